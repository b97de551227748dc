// The explorer: folder and mailbox trees, a filterable, sortable item table that pages through
// any number of items (only one page is ever in the DOM), and the view of one item.
import { clear, h } from './dom.js';
import { bytes, categoryName, dateTime, levelName, num, pct, t, triageName, whereText } from './i18n.js';
import { itemsWithValue, LEVELS, searchText } from './model.js';
import { levelBadge } from './overview.js';

const PAGE_SIZE = 100;

export function initialExplorerState() {
  return {
    q: '',
    type: '',
    category: '',
    minRank: 0,
    access: '',
    status: '',
    folder: null,
    sort: 'score',
    dir: -1,
    page: 0,
    selected: null,
    open: new Set(['']),
  };
}

const SORTS = {
  score: (a, b) => a.score - b.score || a.findings - b.findings,
  name: (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  types: (a, b) => (a.types.join(',') < b.types.join(',') ? -1 : a.types.join(',') > b.types.join(',') ? 1 : 0),
  findings: (a, b) => a.findings - b.findings,
  access: (a, b) => accessRank(a) - accessRank(b),
  size: (a, b) => a.size - b.size,
  modified: (a, b) => a.modified - b.modified,
};

/** Broad above unknown above narrow: unknown is not safe. */
const accessRank = (row) => (row.broad ? 2 : row.accessUnknown ? 1 : 0);

function matches(row, state, q) {
  if (state.minRank > 0 && row.rank < state.minRank) return false;
  if (state.type && !row.types.includes(state.type)) return false;
  if (state.category && !row.categories.includes(state.category)) return false;
  if (state.access === 'broad' && !row.broad) return false;
  if (state.access === 'narrow' && (row.broad || row.accessUnknown)) return false;
  if (state.access === 'unknown' && !row.accessUnknown) return false;
  if (state.status === 'findings' && row.findings === 0) return false;
  if (state.status === 'none' && (row.findings > 0 || row.error)) return false;
  if (state.status === 'error' && !row.error) return false;
  if (state.status === 'new' && !row.hasNew) return false;
  if (state.folder !== null && state.folder !== '' && row.folder !== state.folder && !row.folder.startsWith(`${state.folder}/`)) return false;
  if (q && !searchText(row).includes(q)) return false;
  return true;
}

/** The rows that pass the filters, sorted; ties keep report order so paging is stable. */
export function filterRows(data, state) {
  const q = state.q.trim().toLowerCase();
  const rows = data.rows.filter((row) => matches(row, state, q));
  const compare = SORTS[state.sort] ?? SORTS.score;
  const dir = state.dir;
  return rows.sort((a, b) => dir * compare(a, b) || a.index - b.index);
}

function select(key, label, value, options, onchange) {
  return h(
    'label',
    { class: 'filter' },
    h('span', { class: 'sr-only' }, label),
    h(
      'select',
      { 'aria-label': label, 'data-filter': key, onchange: (e) => onchange(e.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    ),
  );
}

function heat(rank) {
  return h('span', { class: `heat level-${LEVELS[rank]}`, title: levelName(LEVELS[rank]) });
}

function treeNode(node, state, update, depth) {
  const hasChildren = node.children.size > 0;
  const open = state.open.has(node.path);
  const selected = state.folder === node.path;
  const label = node.path === '' ? t('allFolders') : node.name;
  const li = h(
    'li',
    { role: 'treeitem', 'aria-expanded': hasChildren ? String(open) : null, 'aria-selected': String(selected), 'data-path': node.path },
    h(
      'div',
      { class: `tree-row${selected ? ' selected' : ''}`, style: null },
      hasChildren
        ? h(
            'button',
            {
              type: 'button',
              class: 'toggle',
              'aria-label': open ? '−' : '+',
              onclick: () => {
                if (open) state.open.delete(node.path);
                else state.open.add(node.path);
                update({ tree: true });
              },
            },
            open ? '▾' : '▸',
          )
        : h('span', { class: 'toggle' }),
      heat(node.maxRank),
      h(
        'button',
        {
          type: 'button',
          class: 'tree-name',
          title: t('itemsInFolder', { n: num(node.items), f: num(node.withFindings) }),
          onclick: () => update({ folder: node.path, page: 0 }),
        },
        label,
      ),
      h('span', { class: 'count' }, num(node.withFindings), '/', num(node.items)),
    ),
  );
  li.firstChild.style.paddingLeft = `${depth * 14}px`;
  if (hasChildren && open) {
    // Children sorted by risk mass, so the hot folders come first.
    const children = [...node.children.values()].sort((a, b) => b.mass - a.mass || (a.name < b.name ? -1 : 1));
    li.append(
      h(
        'ul',
        { role: 'group' },
        children.map((c) => treeNode(c, state, update, depth + 1)),
      ),
    );
  }
  return li;
}

function renderTrees(data, state, update) {
  return h(
    'nav',
    { class: 'tree', 'aria-label': t('folders') },
    h('h2', null, t('folders')),
    h('ul', { role: 'tree' }, treeNode(data.tree, state, update, 0)),
    data.mailTree ? [h('h2', null, t('mailboxes')), h('ul', { role: 'tree' }, treeNode(data.mailTree, state, update, 0))] : null,
  );
}

function renderFilters(data, state, update) {
  const levels = LEVELS.slice(1).map((l, i) => [String(i + 1), t('riskAtLeast', { level: levelName(l) })]);
  return h(
    'div',
    { class: 'filters' },
    h('input', {
      type: 'search',
      id: 'search',
      placeholder: t('search'),
      'aria-label': t('search'),
      value: state.q,
      oninput: (e) => update({ q: e.target.value, page: 0 }, { keepFocus: 'search' }),
    }),
    select('type', t('type'), state.type, [['', t('allTypes')], ...data.types.map((x) => [x, x])], (v) => update({ type: v, page: 0 })),
    select('category', t('category'), state.category, [['', t('allCategories')], ...data.categories.map((c) => [c, categoryName(c)])], (v) =>
      update({ category: v, page: 0 }),
    ),
    select('risk', t('risk'), String(state.minRank), [['0', t('anyRisk')], ...levels], (v) => update({ minRank: Number(v), page: 0 })),
    select(
      'access',
      t('access'),
      state.access,
      [
        ['', t('anyAccess')],
        ['broad', t('broadOnly')],
        ['narrow', t('notBroad')],
        ['unknown', t('accessUnknownOnly')],
      ],
      (v) => update({ access: v, page: 0 }),
    ),
    select(
      'status',
      t('items'),
      state.status,
      [
        ['', t('anyStatus')],
        ['findings', t('statusFindings')],
        ['none', t('statusNone')],
        ['error', t('statusError')],
        ...(data.report.changes ? [['new', t('statusNew')]] : []),
      ],
      (v) => update({ status: v, page: 0 }),
    ),
    h(
      'button',
      {
        type: 'button',
        onclick: () => update({ q: '', type: '', category: '', minRank: 0, access: '', status: '', folder: null, page: 0 }),
      },
      t('reset'),
    ),
  );
}

function sortHeader(key, label, state, update, numeric) {
  const active = state.sort === key;
  return h(
    'th',
    { class: numeric ? 'num' : null, 'aria-sort': active ? (state.dir > 0 ? 'ascending' : 'descending') : 'none', 'data-sort': key },
    h(
      'button',
      { type: 'button', class: 'sort', onclick: () => update({ sort: key, dir: active ? -state.dir : key === 'name' || key === 'types' ? 1 : -1, page: 0 }) },
      label,
      active ? (state.dir > 0 ? ' ▲' : ' ▼') : '',
    ),
  );
}

function renderTable(rows, state, update) {
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const page = Math.min(state.page, pages - 1);
  const start = page * PAGE_SIZE;
  const shown = rows.slice(start, start + PAGE_SIZE);
  const status = rows.length === 0 ? t('shownNone') : t('shown', { from: num(start + 1), to: num(start + shown.length), total: num(rows.length) });
  const pager = h(
    'div',
    { class: 'pager' },
    h('button', { type: 'button', disabled: page === 0, onclick: () => update({ page: page - 1 }) }, t('prev')),
    h('span', { class: 'status', role: 'status', 'aria-live': 'polite' }, status),
    h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => update({ page: page + 1 }) }, t('next')),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    pager,
    h(
      'table',
      { class: 'items', id: 'items' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          sortHeader('score', t('risk'), state, update),
          sortHeader('name', t('path'), state, update),
          sortHeader('types', t('types'), state, update),
          sortHeader('findings', t('findings'), state, update, true),
          sortHeader('access', t('access'), state, update),
          sortHeader('size', t('size'), state, update, true),
          sortHeader('modified', t('modified'), state, update),
        ),
      ),
      h(
        'tbody',
        null,
        shown.map((r) =>
          h(
            'tr',
            {
              class: r.index === state.selected ? 'selected' : null,
              'data-index': r.index,
              tabindex: 0,
              onclick: () => update({ selected: r.index }),
              onkeydown: (e) => {
                if (e.key === 'Enter') update({ selected: r.index });
              },
            },
            h('td', null, r.error ? h('span', { class: 'badge error' }, r.error.code) : levelBadge(r.level, r.score)),
            h('td', { class: 'path' }, r.name),
            h('td', null, r.types.join(', ')),
            h('td', { class: 'num' }, num(r.findings)),
            h(
              'td',
              null,
              r.broad
                ? h('span', { class: 'badge broad' }, t('broad'))
                : r.accessUnknown
                  ? h('span', { class: 'badge unknown' }, t('accessUnknown'))
                  : (r.item.access?.owner ?? ''),
            ),
            h('td', { class: 'num' }, bytes(r.size)),
            h('td', null, dateTime(r.item.modified)),
          ),
        ),
      ),
    ),
  );
}

function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
}

/** What the scan state says of a finding: new since the last scan, triage status, suppression. */
function findingStatus(f) {
  return [
    f.change === 'new' ? h('span', { class: 'badge new' }, t('isNew')) : null,
    f.status && f.status !== 'open' ? h('span', { class: 'badge' }, triageName(f.status)) : null,
    f.suppressed ? h('div', { class: 'muted' }, t('suppressed', { v: f.suppressed })) : null,
  ];
}

export function renderItem(data, index, update) {
  const item = data.rows[index].item;
  const access = item.access;
  const findings = item.findings ?? [];
  const withStatus = findings.some((f) => f.change === 'new' || (f.status && f.status !== 'open') || f.suppressed);
  return h(
    'aside',
    { class: 'detail', id: 'item-view', 'aria-label': t('item') },
    h('button', { type: 'button', class: 'close', onclick: () => update({ selected: null }) }, t('close')),
    h('h2', { class: 'path' }, item.path, item.entry ? h('span', { class: 'entry' }, ' › ', item.entry) : null),
    facts([
      [t('risk'), h('span', null, levelBadge(item.risk?.level ?? 'none', item.risk?.score ?? 0), ' ', (item.risk?.reasons ?? []).join('; '))],
      [t('uri'), h('code', null, item.uri)],
      [t('kind'), item.kind],
      [t('mediaType'), item.mediaType],
      [t('size'), bytes(item.size ?? 0)],
      [t('modified'), dateTime(item.modified)],
      [t('error'), item.error ? h('span', { class: 'error-text' }, h('code', null, item.error.code), ' ', item.error.message) : null],
    ]),
    h('h3', null, t('findings'), ` (${num(findings.length)})`),
    item.truncated ? h('p', { class: 'muted' }, t('truncated', { total: num(item.truncated.total), kept: num(item.truncated.kept) })) : null,
    findings.length === 0
      ? h('p', { class: 'muted' }, t('noFindings'))
      : h(
          'table',
          { class: 'list findings' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, t('type')),
              h('th', null, t('category')),
              h('th', null, t('masked')),
              h('th', null, t('where')),
              h('th', { class: 'num' }, t('confidence')),
              h('th', null, t('basis')),
              withStatus ? h('th', null, t('findingStatus')) : null,
            ),
          ),
          h(
            'tbody',
            null,
            findings.map((f) => {
              const elsewhere = itemsWithValue(data, f.hash) - 1;
              return h(
                'tr',
                null,
                h('td', null, f.type),
                h('td', null, categoryName(f.category)),
                h(
                  'td',
                  null,
                  h('code', { class: 'masked' }, f.masked),
                  elsewhere > 0 ? h('div', { class: 'muted' }, t('sameValueElsewhere', { n: num(elsewhere) })) : null,
                ),
                h('td', { class: 'where' }, whereText(f.where)),
                h('td', { class: 'num' }, pct(f.confidence)),
                h('td', null, (f.basis ?? []).join(', ')),
                withStatus ? h('td', null, findingStatus(f)) : null,
              );
            }),
          ),
        ),
    h(
      'h3',
      null,
      t('access'),
      access?.broad === true
        ? h('span', { class: 'badge broad' }, t('broad'))
        : access?.broad === 'unknown'
          ? h('span', { class: 'badge unknown' }, t('accessUnknown'))
          : null,
    ),
    access
      ? [
          facts([
            [t('owner'), access.owner],
            [t('group'), access.group],
            [t('mode'), access.mode],
            [t('reasons'), (access.reasons ?? []).join(', ')],
            [t('notes'), (access.notes ?? []).join(' ')],
          ]),
          (access.entries ?? []).length > 0
            ? h(
                'table',
                { class: 'list access' },
                h('thead', null, h('tr', null, h('th', null, t('principal')), h('th', null, t('rights')))),
                h(
                  'tbody',
                  null,
                  access.entries.map((e) => h('tr', null, h('td', null, e.principal), h('td', null, e.rights))),
                ),
              )
            : null,
        ]
      : h('p', { class: 'muted' }, t('noAccess')),
  );
}

/**
 * Renders the explorer into `root` and returns its update function. Filtering re-runs only when
 * a filter or the sort changed; paging and opening an item reuse the filtered list.
 */
export function mountExplorer(root, data, state, onState) {
  let rows = null;
  let key = '';
  const update = (patch, options = {}) => {
    Object.assign(state, patch);
    render(options);
    // The item view opens below the table: bring it into sight.
    if (patch.selected !== undefined && patch.selected !== null) document.getElementById('item-view')?.scrollIntoView({ block: 'nearest' });
    onState?.(state);
  };
  const render = (options = {}) => {
    const nextKey = JSON.stringify([state.q, state.type, state.category, state.minRank, state.access, state.status, state.folder, state.sort, state.dir]);
    if (rows === null || nextKey !== key) {
      rows = filterRows(data, state);
      key = nextKey;
    }
    clear(root).append(
      h(
        'div',
        { class: 'explorer' },
        renderTrees(data, state, update),
        h(
          'div',
          { class: 'explorer-main' },
          renderFilters(data, state, update),
          state.folder !== null ? h('p', { class: 'crumb' }, t('folder'), ': ', h('code', null, state.folder === '' ? '/' : state.folder)) : null,
          renderTable(rows, state, update),
          state.selected !== null && data.rows[state.selected] ? renderItem(data, state.selected, update) : null,
        ),
      ),
    );
    if (options.keepFocus) {
      const input = document.getElementById(options.keepFocus);
      if (input) {
        input.focus();
        input.setSelectionRange(input.value.length, input.value.length);
      }
    }
  };
  render();
  return update;
}
