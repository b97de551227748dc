// Inline SVG bar charts: no library, no network, labels as text nodes.
import { s } from './dom.js';
import { num } from './i18n.js';

const ROW = 26;
const LABEL_WIDTH = 230;
const BAR_WIDTH = 300;
const VALUE_WIDTH = 80;

/**
 * A horizontal bar chart of [label, value, colourClass] rows. The SVG carries a <title> and each
 * bar a <title> so screen readers and tooltips get the numbers; the table beside it is not needed.
 */
export function barChart(title, rows) {
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const height = Math.max(ROW, rows.length * ROW);
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  return s(
    'svg',
    { class: 'chart', role: 'img', viewBox: `0 0 ${width} ${height}`, width, height, 'aria-label': title },
    s('title', null, title),
    rows.map(([label, value, colour], i) => {
      const y = i * ROW;
      const w = Math.max(value > 0 ? 2 : 0, Math.round((value / max) * BAR_WIDTH));
      return s(
        'g',
        { class: `bar ${colour ?? ''}` },
        s('title', null, `${label}: ${num(value)}`),
        s('text', { x: LABEL_WIDTH - 8, y: y + ROW / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, label),
        s('rect', { x: LABEL_WIDTH, y: y + 4, width: w, height: ROW - 8, rx: 2 }),
        s('text', { x: LABEL_WIDTH + w + 6, y: y + ROW / 2, 'dominant-baseline': 'middle', class: 'value' }, num(value)),
      );
    }),
  );
}
