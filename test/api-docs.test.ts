import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Every export of every package carries TSDoc with an @example: the API
// reference is generated from these comments, so a missing one is a bug.
const packages = ['core', 'detectors', 'sinks', 'http'];

function undocumentedExports(entry: string): string[] {
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [];
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.getDeclarations() ?? [];
    const documented = declarations.some((d) => {
      const docs = ts.getJSDocCommentsAndTags(d).filter(ts.isJSDoc);
      return docs.some((doc) => (doc.comment !== undefined || (doc.tags ?? []).length > 0) && (doc.tags ?? []).some((t) => t.tagName.text === 'example'));
    });
    if (!documented) {
      const where = declarations[0];
      missing.push(`${exported.getName()} (${where ? `${where.getSourceFile().fileName.replace(/.*\/packages\//, 'packages/')}` : 'no declaration'})`);
    }
  }
  return missing;
}

describe('API documentation', () => {
  it.each(packages)('every export of @modelwatch/%s has TSDoc with an @example', (pkg) => {
    const entry = fileURLToPath(new URL(`../packages/${pkg}/src/index.ts`, import.meta.url));
    expect(undocumentedExports(entry)).toEqual([]);
  });
});
