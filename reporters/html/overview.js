// The overview: totals, charts, hot spots and the lists a privacy officer acts on first. It is
// also what prints, so it uses plain tables and no interaction that print would lose.
import { barChart } from './charts.js';
import { h } from './dom.js';
import { bytes, categoryName, date, levelName, num, t } from './i18n.js';
import { LEVELS } from './model.js';

const LIST_LIMIT = 50;

function card(label, value, tone) {
  return h('div', { class: `card ${tone ?? ''}` }, h('div', { class: 'card-value' }, value), h('div', { class: 'card-label' }, label));
}

export function levelBadge(level, score) {
  return h(
    'span',
    { class: `badge level-${LEVELS.includes(level) ? level : 'none'}` },
    score === undefined ? levelName(level) : `${levelName(level)} ${score}`,
  );
}

function section(title, ...content) {
  return h('section', { class: 'panel' }, h('h2', null, title), content);
}

/** A link-styled button that opens an item or folder in the explorer. */
function opener(text, onclick) {
  return h('button', { type: 'button', class: 'link', onclick }, text);
}

function itemTable(rows, actions, extra) {
  if (rows.length === 0) return h('p', { class: 'muted' }, t('noneFound'));
  const shown = rows.slice(0, LIST_LIMIT);
  return [
    h(
      'table',
      { class: 'list' },
      h(
        'thead',
        null,
        h('tr', null, h('th', null, t('risk')), h('th', null, t('item')), h('th', null, t('categories')), h('th', { class: 'num' }, t('findings')), extra.head),
      ),
      h(
        'tbody',
        null,
        shown.map((r) =>
          h(
            'tr',
            null,
            h('td', null, levelBadge(r.level, r.score)),
            h(
              'td',
              { class: 'path' },
              opener(r.name, () => actions.openItem(r.index)),
            ),
            h('td', null, r.categories.map(categoryName).join(', ')),
            h('td', { class: 'num' }, num(r.findings)),
            extra.cell(r),
          ),
        ),
      ),
    ),
    rows.length > shown.length ? h('p', { class: 'muted' }, t('andMore', { n: num(rows.length - shown.length) })) : null,
  ];
}

/** Unread items have no findings or risk to show; what matters is why they were not read. */
function unscannableTable(rows, actions) {
  if (rows.length === 0) return h('p', { class: 'muted' }, t('noneFound'));
  const shown = rows.slice(0, LIST_LIMIT);
  return [
    h(
      'table',
      { class: 'list' },
      h('thead', null, h('tr', null, h('th', null, t('error')), h('th', null, t('item')), h('th', null, t('reasons')), h('th', { class: 'num' }, t('size')))),
      h(
        'tbody',
        null,
        shown.map((r) =>
          h(
            'tr',
            null,
            h('td', null, h('span', { class: 'badge error' }, r.error.code)),
            h(
              'td',
              { class: 'path' },
              opener(r.name, () => actions.openItem(r.index)),
            ),
            h('td', null, r.error.message),
            h('td', { class: 'num' }, bytes(r.size)),
          ),
        ),
      ),
    ),
    rows.length > shown.length ? h('p', { class: 'muted' }, t('andMore', { n: num(rows.length - shown.length) })) : null,
  ];
}

function folderTable(folders, actions) {
  if (folders.length === 0) return h('p', { class: 'muted' }, t('noneFound'));
  return h(
    'table',
    { class: 'list' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, t('risk')),
        h('th', null, t('folder')),
        h('th', { class: 'num' }, t('itemsWithFindings')),
        h('th', { class: 'num' }, t('findings')),
        h('th', { class: 'num' }, t('broadWithFindings')),
      ),
    ),
    h(
      'tbody',
      null,
      folders.map((f) =>
        h(
          'tr',
          null,
          h('td', null, levelBadge(f.level)),
          h(
            'td',
            { class: 'path' },
            opener(f.path === '' ? '/' : f.path, () => actions.openFolder(f.path)),
          ),
          h('td', { class: 'num' }, f.withFindings === undefined ? '' : num(f.withFindings)),
          h('td', { class: 'num' }, num(f.findings)),
          h('td', { class: 'num' }, f.broad === undefined ? '' : num(f.broad)),
        ),
      ),
    ),
  );
}

export function renderOverview(data, actions) {
  const { report } = data;
  const stats = report.stats;
  const high = data.byLevel[3] + data.byLevel[4];
  const cats = data.byCategory.map(([c, n]) => [categoryName(c), n, `cat-${c}`]);
  const types = data.byType.map(([type, n]) => [type, n, 'type']);
  const levels = LEVELS.slice(1).map((l, i) => [levelName(l), data.byLevel[i + 1], `level-${l}`]);
  return h(
    'div',
    { class: 'overview' },
    h(
      'div',
      { class: 'cards' },
      card(t('items'), num(stats.items)),
      card(t('itemsWithFindings'), num(stats.itemsWithFindings)),
      card(t('findings'), num(stats.findings)),
      card(t('highRisk'), num(high), high > 0 ? 'warn' : ''),
      card(t('broadWithFindings'), num(data.broad.length), data.broad.length > 0 ? 'warn' : ''),
      card(t('unscannable'), num(data.unscannable.length), data.unscannable.length > 0 ? 'warn' : ''),
      card(t('bytes'), bytes(stats.bytes)),
      report.changes?.since ? card(t('newFindings'), num(report.changes.new ?? 0), report.changes.new > 0 ? 'warn' : '') : null,
      report.changes?.since ? card(t('resolvedFindings'), num(report.changes.resolved ?? 0)) : null,
    ),
    // A big share's page holds only its riskiest items (reporters/stream.ts); say so where the totals are.
    report.embedded && report.embedded.items < report.embedded.total
      ? h(
          'p',
          { class: 'notice warn', id: 'embedded-limit' },
          t('embeddedLimit', {
            shown: num(report.embedded.items),
            total: num(report.embedded.total),
            more: num(report.embedded.total - report.embedded.items),
          }),
        )
      : null,
    h(
      'div',
      { class: 'charts' },
      section(t('byCategory'), cats.length ? barChart(t('byCategory'), cats) : h('p', { class: 'muted' }, t('noneFound'))),
      section(t('byType'), types.length ? barChart(t('byType'), types) : h('p', { class: 'muted' }, t('noneFound'))),
      section(t('byRisk'), barChart(t('byRisk'), levels)),
    ),
    section(
      t('hotItems'),
      itemTable(data.hotItems, actions, {
        head: h('th', null, t('access')),
        cell: (r) => h('td', null, r.broad ? t('broad') : r.accessUnknown ? t('accessUnknown') : ''),
      }),
    ),
    section(t('hotFolders'), folderTable(data.hotFolders, actions)),
    section(
      t('broadList'),
      itemTable(data.broad, actions, { head: h('th', null, t('reasons')), cell: (r) => h('td', null, (r.item.access?.reasons ?? []).join(', ')) }),
    ),
    section(t('retentionList'), itemTable(data.retention, actions, { head: h('th', null, t('modified')), cell: (r) => h('td', null, date(r.item.modified)) })),
    section(t('unscannableList'), h('p', { class: 'muted' }, t('unscannableHint')), unscannableTable(data.unscannable, actions)),
  );
}
