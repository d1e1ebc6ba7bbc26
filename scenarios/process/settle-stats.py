# Second-half per-batch statistics of every constrained run of the given bench directories (RESULTS.md section 2).
# Usage: python3 scenarios/process/settle-stats.py runs/bench-process-constraints-settled
import csv, glob, statistics as st, sys
for d in sys.argv[1:]:
    for run in sorted(glob.glob(d + '/runs/*constrained*')):
        rows = list(csv.DictReader(open(run + '/metrics.csv')))
        if not rows or 'constraint.steps' not in rows[0]: continue
        last = int(rows[-1]['step']); h = [r for r in rows if int(r['step']) > last / 2 and r['constraint.steps']]
        J = [float(r['constraint.steps']) for r in h]; L = [float(r['multiplier.steps']) for r in h]
        q = [r for r in rows if int(r['step']) > 0.75 * last and r['constraint.steps']]
        Jq = [float(r['constraint.steps']) for r in q]
        name = run.split("/")[-1]
        print(f"{name:45s} steps {last:6d} J mean {st.mean(J):5.2f} sd {st.stdev(J):5.2f} "
              f"[{min(J):5.2f},{max(J):6.2f}] |J-3| {st.mean(abs(x-3) for x in J):5.2f} "
              f"last-quarter J {st.mean(Jq):5.2f} "
              f"lam mean {st.mean(L):6.3f} sd {st.stdev(L):5.3f} [{min(L):6.3f},{max(L):6.3f}]")
