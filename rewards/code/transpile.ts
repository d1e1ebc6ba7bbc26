import ts from 'typescript';
import { LineMapper } from './source-map.js';
import { excerptAt, RewardCodeError } from './errors.js';

/** A reward module stripped to JavaScript (CommonJS body) with a way back to the original lines. */
export interface StrippedModule {
  js: string;
  map: LineMapper;
  source: string;
  filename: string;
}

function position(sf: ts.SourceFile, pos: number): { line: number; column: number } {
  const lc = sf.getLineAndCharacterOfPosition(pos);
  return { line: lc.line + 1, column: lc.character + 1 };
}

/** Reject module loading: the sandbox has no modules, so say so at the line rather than fail at run time. */
function checkNoImports(sf: ts.SourceFile, source: string, filename: string): void {
  const fail = (node: ts.Node, what: string): never => {
    const at = position(sf, node.getStart(sf));
    throw new RewardCodeError(
      'import',
      `${filename}:${at.line}:${at.column}: reward code may not ${what}; the sandbox has no modules, file system, ` +
        `network or process — ` +
        `use only the arguments (prev, action, next, info) and Math${excerptAt(source, at.line, at.column)}`,
      at,
    );
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) fail(node, 'import modules');
    if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly) fail(node, 'import modules');
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) fail(node, 're-export other modules');
    if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) fail(node, 'import() modules');
      if (ts.isIdentifier(node.expression) && node.expression.text === 'require') fail(node, 'require() modules');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/**
 * Strip TypeScript to JavaScript; syntax errors and imports become `RewardCodeError`s with line, column and excerpt.
 */
export function stripTypes(source: string, filename = 'reward.ts'): StrippedModule {
  if (source.includes('\u0000')) {
    throw new RewardCodeError(
      'not-code',
      `${filename} is not a text file (it contains NUL bytes); a reward module is TypeScript or JavaScript source`,
    );
  }
  if (source.trim() === '') {
    throw new RewardCodeError(
      'not-code',
      `${filename} is empty; write \`export function reward(prev, action, next, info) { ... }\``,
    );
  }
  const out = ts.transpileModule(source, {
    fileName: filename,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      sourceMap: true,
      inlineSources: false,
      removeComments: false,
      isolatedModules: true,
    },
  });
  const diag = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (diag) {
    const msg = ts.flattenDiagnosticMessageText(diag.messageText, '\n');
    if (diag.file && diag.start !== undefined) {
      const at = position(diag.file, diag.start);
      throw new RewardCodeError(
        'syntax',
        `${filename}:${at.line}:${at.column}: syntax error: ${msg}${excerptAt(source, at.line, at.column)}`,
        at,
      );
    }
    throw new RewardCodeError('syntax', `${filename}: syntax error: ${msg}`);
  }
  const sf = ts.createSourceFile(
    filename,
    source,
    ts.ScriptTarget.ES2022,
    true,
    filename.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS,
  );
  checkNoImports(sf, source, filename);
  const mapJson = JSON.parse(out.sourceMapText ?? '{"mappings":""}') as { mappings: string };
  const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return { js, map: new LineMapper(mapJson.mappings), source, filename };
}
