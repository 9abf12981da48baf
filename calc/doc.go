// Package calc holds laborbot's labor-law calculators as plain domain
// functions: no Telegram, no LLM, no global clock and no package-level
// mutable state.
//
// Each calculator has an input struct with a Validate method (errors are
// *InputError values that carry a worker-friendly message in Chinese and in
// English) and a function that returns a Result: the figure, the formula
// with the inputs filled in (zh and en), the statute citations and the
// caveats. Money is computed exactly (math/big.Rat over integer fen) and
// rounded half-up to the fen only at the end.
//
// The calculators are:
//
//   - Severance: 经济补偿 and the doubled 赔偿金 for unlawful dismissal, plus the
//     month's wage in lieu of notice (劳动合同法 40, 46, 47, 48, 87; 劳动合同法实施条例 20, 25, 27).
//   - Overtime: 加班费 at 150%, 200% and 300% (劳动法 44; 21.75 paid days a month).
//   - DoubleWage: the extra wage for working without a written contract
//     (劳动合同法 10, 82; 劳动合同法实施条例 6, 7).
//   - AnnualLeave: paid annual leave days and the pay for untaken days
//     (职工带薪年休假条例 3, 5; 企业职工带薪年休假实施办法 5, 10, 11, 12).
//   - Injury: the one-time disability allowance by grade (工伤保险条例 35, 36, 37, 64).
//   - Deadline: the one-year arbitration limitation period (劳动争议调解仲裁法 27).
//   - MinWage: a wage against the provincial minimum-wage tiers of a data file
//     (劳动法 48; 最低工资规定).
//
// Calculators lists them with their fields (name, zh/en prompt, kind) so
// that a step-by-step chat flow or a command line can collect the inputs as
// strings and run them through Calculator.Run without repeating any of the
// legal knowledge.
package calc
