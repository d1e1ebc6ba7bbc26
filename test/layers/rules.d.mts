import type { ICruiseOptions, IForbiddenRuleType } from 'dependency-cruiser';

/** The layering rules. */
export declare const forbidden: IForbiddenRuleType[];
/** Cruise options carrying the rules. */
export declare const options: ICruiseOptions;
