// `npm run lint`: prints the project's lint problems as file:line: rule: message.

import { lint } from '../lint.ts';

const problems = lint();
for (const p of problems) console.log(`${p.file}:${p.line}: ${p.rule}: ${p.message}`);
console.log(problems.length === 0 ? 'lint: no problems' : `lint: ${problems.length} problem(s)`);
process.exitCode = problems.length === 0 ? 0 : 1;
