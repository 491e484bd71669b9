// `npm run figures -- NN [figure…]`: reruns the measurements a chapter quotes, so that every
// figure in docs/NN-*.md comes from a script in the repository. One module per chapter
// (chapter-NN.ts) lists its figures; this file only picks the chapter and the figures to run.

import { FIGURES_05 } from './chapter-05.ts';
import { FIGURES_06 } from './chapter-06.ts';
import { FIGURES_07 } from './chapter-07.ts';
import type { Figure } from './figure.ts';

/** Chapter number → its figures. Another chapter adds one line here and a chapter-NN.ts. */
const CHAPTERS: Record<string, readonly Figure[]> = {
  '05': FIGURES_05,
  '06': FIGURES_06,
  '07': FIGURES_07,
};

function help(): string {
  const lines = ['Usage: npm run figures -- NN [figure…]', '', "Reruns the measurements chapter NN quotes (all of its figures, or those named) and prints them.", ''];
  for (const [chapter, figures] of Object.entries(CHAPTERS)) {
    lines.push(`chapter ${chapter} (docs/${chapter}-*.md):`);
    for (const figure of figures) lines.push(`  ${figure.name.padEnd(12)} ${figure.what}`);
  }
  return lines.join('\n');
}

async function main(args: string[]): Promise<number> {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    console.log(help());
    return args.length === 0 ? 1 : 0;
  }
  const [chapter, ...names] = args;
  const figures = CHAPTERS[chapter!.padStart(2, '0')];
  if (figures === undefined) {
    console.error(`figures: no figures for chapter ${chapter}; chapters with figures: ${Object.keys(CHAPTERS).join(', ')}`);
    return 1;
  }
  const unknown = names.filter((name) => !figures.some((figure) => figure.name === name));
  if (unknown.length > 0) {
    console.error(`figures: chapter ${chapter} has no figure ${unknown.join(', ')}; it has ${figures.map((f) => f.name).join(', ')}`);
    return 1;
  }
  for (const figure of figures.filter((f) => names.length === 0 || names.includes(f.name))) {
    console.log(`\n## ${figure.name}: ${figure.what}\n`);
    await figure.run();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
