/** The report's stylesheet: one column, quiet colours, tables that read like text; print-friendly. */
export const REPORT_CSS = `
:root { --ink: #1f2430; --muted: #5b6372; --line: #e1e4ea; --accent: #3f6fb0; --warn: #b7791f; --bad: #c0392b; --good: #2e7d4f; --paper: #fbfbfc; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--paper); line-height: 1.5; font-size: 15px; }
body { margin: 0 auto; max-width: 940px; padding: 2rem 1.5rem 4rem; }
header { border-bottom: 2px solid var(--ink); padding-bottom: 1rem; margin-bottom: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; letter-spacing: -.01em; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.5rem 0 .5rem; color: var(--muted); font-weight: 600; }
p { margin: .4rem 0 .8rem; }
.meta { color: var(--muted); margin: 0; }
nav { margin-top: .75rem; font-size: .9rem; }
nav a { color: var(--accent); text-decoration: none; margin-right: 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem; margin: 1rem 0 0; }
.card { background: white; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
.card b { display: block; font-size: 1.35rem; font-variant-numeric: tabular-nums; }
.card span { color: var(--muted); font-size: .85rem; }
figure.chart { margin: 1rem 0 1.5rem; background: white; border: 1px solid var(--line); border-radius: 6px; padding: .75rem; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .4rem; }
figcaption strong { color: var(--ink); }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .5rem 0 1rem; background: white; }
th, td { text-align: left; padding: .3rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); border-bottom-color: #c9ced8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
.empty { color: var(--muted); font-style: italic; }
.tag { display: inline-block; padding: 0 .4rem; border-radius: 3px; font-size: .78rem; font-weight: 600; }
.tag.critical, .tag.loss, .tag.regression, .tag.mismatch { background: #fbe3e0; color: var(--bad); }
.tag.warning { background: #fdf0d5; color: var(--warn); }
.tag.info, .tag.small { background: #eceff4; color: var(--muted); }
.tag.win, .tag.improvement, .tag.ok { background: #dff2e6; color: var(--good); }
.note { font-size: .8rem; color: var(--muted); }
.when { white-space: nowrap; }
ul.gaps { margin: .2rem 0 1rem; padding-left: 1.2rem; font-size: .88rem; }
table.truth { margin-top: 1rem; }
table.findings .subject { overflow-wrap: anywhere; }
.tag { white-space: nowrap; }
table.findings th.num, table.findings td.num { padding-left: .3rem; }
@media print {
  html { background: white; font-size: 11pt; }
  body { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure.chart, table, .cards { break-inside: avoid; }
  figure.chart, .card { border-color: #bbb; }
  a { color: inherit; text-decoration: none; }
}
`;
