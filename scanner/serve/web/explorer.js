// The explorer over the server: a lazily loaded folder and mailbox tree, filters, server-side paging
// and sorting, the item view with masked findings, access and risk reasons, and triage.
import { get, send } from './api.js';
import { h } from './report/dom.js';
import { bytes, categoryName, date, dateTime, levelName, num, t, triageName, whereText } from './report/i18n.js';
import { LEVELS } from './report/model.js';
import { levelBadge } from './report/overview.js';
import { st } from './texts.js';

const PAGE = 50;
const STATUSES = ['open', 'false-positive', 'accepted', 'to-remediate'];

export function initialExplorer() {
  return { filter: {}, sort: 'risk', dir: 'desc', offset: 0, selected: null, open: new Set(['']) };
}

function select(id, label, options, value, onchange) {
  return h(
    'label',
    { class: 'filter' },
    h('span', { class: 'sr-only' }, label),
    h(
      'select',
      { id, 'aria-label': label, onchange: (e) => onchange(e.target.value || undefined) },
      options.map(([v, text]) => h('option', { value: v, selected: (value ?? '') === v }, text)),
    ),
  );
}

function treeNode(folder, state, rerender) {
  const open = state.open.has(folder.path);
  const active = (state.filter.folder ?? '') === folder.path;
  return h(
    'li',
    null,
    h(
      'div',
      { class: `node ${active ? 'active' : ''}` },
      folder.hasChildren
        ? h(
            'button',
            {
              type: 'button',
              class: 'twisty',
              'aria-expanded': String(open),
              onclick: () => {
                if (open) state.open.delete(folder.path);
                else state.open.add(folder.path);
                rerender();
              },
            },
            open ? '▾' : '▸',
          )
        : h('span', { class: 'twisty' }),
      h(
        'button',
        {
          type: 'button',
          class: 'link folder',
          onclick: () => {
            state.filter.folder = folder.path || undefined;
            state.offset = 0;
            rerender();
          },
        },
        folder.name || '/',
      ),
      h('span', { class: `count level-${folder.level}` }, num(folder.withFindings)),
    ),
    open && folder.hasChildren ? h('ul', { class: 'tree', 'data-parent': folder.path }) : null,
  );
}

async function fillTree(ul, parent, state, rerender) {
  const folders = await get('/api/folders', { parent });
  ul.replaceChildren(...folders.map((f) => treeNode(f, state, rerender)));
  for (const child of ul.querySelectorAll(':scope > li > ul.tree')) await fillTree(child, child.dataset.parent, state, rerender);
}

function filters(state, facets, rerender) {
  const set = (key) => (value) => {
    state.filter[key] = value;
    state.offset = 0;
    state.selected = null;
    rerender();
  };
  const f = state.filter;
  return h(
    'div',
    { class: 'filters' },
    h('input', {
      id: 'q',
      type: 'search',
      placeholder: t('search'),
      'aria-label': t('search'),
      value: f.q ?? '',
      onchange: (e) => set('q')(e.target.value || undefined),
    }),
    select('f-type', t('allTypes'), [['', t('allTypes')], ...facets.types.map((x) => [x, x])], f.type, set('type')),
    select('f-category', t('allCategories'), [['', t('allCategories')], ...facets.categories.map((c) => [c, categoryName(c)])], f.category, set('category')),
    select(
      'f-level',
      t('anyRisk'),
      [['', t('anyRisk')], ...LEVELS.slice(1).map((l, i) => [String(i + 1), t('riskAtLeast', { level: levelName(l) })])],
      f.minLevel,
      set('minLevel'),
    ),
    select(
      'f-access',
      t('anyAccess'),
      [
        ['', t('anyAccess')],
        ['broad', t('broadOnly')],
        ['not-broad', t('notBroad')],
        ['unknown', t('accessUnknownOnly')],
      ],
      f.access,
      set('access'),
    ),
    select(
      'f-status',
      t('anyStatus'),
      [
        ['', t('anyStatus')],
        ['findings', t('statusFindings')],
        ['open', st('statusOpen')],
        ['triaged', st('statusTriaged')],
        ['none', t('statusNone')],
        ['unread', t('statusError')],
      ],
      f.status,
      set('status'),
    ),
    h(
      'label',
      { class: 'filter' },
      st('changedSince'),
      ' ',
      h('input', { id: 'f-since', type: 'date', value: f.changedSince ?? '', onchange: (e) => set('changedSince')(e.target.value || undefined) }),
    ),
    h(
      'button',
      {
        type: 'button',
        id: 'reset',
        onclick: () => {
          state.filter = {};
          state.offset = 0;
          rerender();
        },
      },
      t('reset'),
    ),
  );
}

function sortHeader(label, key, state, rerender, cls) {
  const on = state.sort === key;
  return h(
    'th',
    { class: cls, 'aria-sort': on ? (state.dir === 'desc' ? 'descending' : 'ascending') : null },
    h(
      'button',
      {
        type: 'button',
        class: 'link sort',
        'data-sort': key,
        onclick: () => {
          if (on) state.dir = state.dir === 'desc' ? 'asc' : 'desc';
          else Object.assign(state, { sort: key, dir: key === 'name' ? 'asc' : 'desc' });
          state.offset = 0;
          rerender();
        },
      },
      label,
      on ? (state.dir === 'desc' ? ' ↓' : ' ↑') : '',
    ),
  );
}

function triageControls(session, onApply, id) {
  if (session.readOnly) return null;
  const status = h(
    'select',
    { class: 'triage-status', 'aria-label': st('setStatus') },
    STATUSES.map((s) => h('option', { value: s }, triageName(s))),
  );
  const note = h('input', { type: 'text', class: 'triage-note', placeholder: st('note'), 'aria-label': st('note'), maxlength: '2000' });
  return h('span', { class: 'triage', id }, status, note, h('button', { type: 'button', onclick: () => onApply(status.value, note.value) }, st('save')));
}

function itemView(detail, session, refresh, message) {
  const { item, findings, children } = detail;
  const a = item.access;
  const triage = async (selection, status, note) => {
    const r = await send('POST', '/api/triage', { selection, status, ...(note ? { note } : {}) });
    message(st('applied', { n: num(r.findings), status: triageName(status) }));
    refresh();
  };
  return h(
    'section',
    { class: 'panel item-view', id: 'item-view' },
    h('h2', { class: 'path' }, item.name),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, t('risk')),
      h('dd', null, levelBadge(item.risk.level, item.risk.score)),
      h('dt', null, t('reasons')),
      h(
        'dd',
        { class: 'reasons' },
        item.risk.reasons.length
          ? h(
              'ul',
              null,
              item.risk.reasons.map((r) => h('li', null, r)),
            )
          : '—',
      ),
      h('dt', null, t('kind')),
      h('dd', null, item.kind),
      item.mediaType ? [h('dt', null, t('mediaType')), h('dd', null, item.mediaType)] : null,
      h('dt', null, t('size')),
      h('dd', null, bytes(item.size)),
      h('dt', null, t('modified')),
      h('dd', null, date(item.modified)),
      h('dt', null, t('uri')),
      h('dd', { class: 'path' }, item.uri),
      item.error ? [h('dt', null, t('error')), h('dd', null, `${item.error.code}: ${item.error.message}`)] : null,
    ),
    h('h3', null, t('access')),
    a
      ? h(
          'div',
          null,
          h(
            'p',
            null,
            `${t('owner')}: ${a.owner ?? '?'} · ${t('group')}: ${a.group ?? '?'} · ${t('mode')}: ${a.mode ?? ''}`,
            a.broad === true ? ` · ${t('broad')}` : '',
            // Not read is not "checked and fine": said as plainly as broad is.
            a.broad === 'unknown' ? ` · ${t('accessUnknown')}` : '',
          ),
          a.reasons?.length ? h('p', { class: 'muted' }, a.reasons.join(', ')) : null,
          a.entries?.length
            ? h(
                'table',
                { class: 'list' },
                h('thead', null, h('tr', null, h('th', null, t('principal')), h('th', null, t('rights')))),
                h(
                  'tbody',
                  null,
                  a.entries.map((e) => h('tr', null, h('td', null, e.principal), h('td', null, String(e.rights ?? '')))),
                ),
              )
            : null,
        )
      : h('p', { class: 'muted' }, t('noAccess')),
    h('h3', null, t('findings')),
    item.truncated ? h('p', { class: 'muted truncated' }, t('truncated', { total: num(item.truncated.total), kept: num(item.truncated.kept) })) : null,
    findings.length
      ? [
          triageControls(session, (status, note) => triage({ kind: 'item', uri: item.uri }, status, note), 'triage-item'),
          session.readOnly ? null : h('span', { class: 'muted' }, ` ${st('applyItem')}`),
          h(
            'table',
            { class: 'list findings' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', null, t('type')),
                h('th', null, t('masked')),
                h('th', null, t('where')),
                h('th', { class: 'num' }, t('confidence')),
                h('th', null, t('findingStatus')),
                session.readOnly ? null : h('th', null, st('setStatus')),
              ),
            ),
            h(
              'tbody',
              null,
              findings.map((f) =>
                h(
                  'tr',
                  { 'data-finding': String(f.index) },
                  h('td', null, f.type),
                  h('td', { class: 'masked' }, f.masked),
                  h('td', null, whereText(f.where)),
                  h('td', { class: 'num' }, num(f.confidence)),
                  h(
                    'td',
                    { class: 'status' },
                    h('span', { class: `badge status-${f.status}` }, triageName(f.status)),
                    f.note ? h('div', { class: 'muted' }, f.note) : null,
                    f.decidedBy ? h('div', { class: 'muted' }, st('decidedBy', { who: f.decidedBy, when: dateTime(f.decidedAt) })) : null,
                  ),
                  session.readOnly
                    ? null
                    : h(
                        'td',
                        null,
                        triageControls(session, (status, note) => triage({ kind: 'finding', uri: item.uri, index: f.index }, status, note)),
                      ),
                ),
              ),
            ),
          ),
        ]
      : h('p', { class: 'muted' }, t('noFindings')),
    children.length
      ? [
          h('h3', null, t('entry')),
          h(
            'ul',
            null,
            children.map((c) => h('li', { class: 'path' }, `${c.entry ?? c.name} · ${num(c.findings)} ${t('findings').toLowerCase()}`)),
          ),
        ]
      : null,
  );
}

/** Renders the explorer into `root`; all data comes page by page from the server. */
export async function mountExplorer(root, state, session, message) {
  const rerender = () => mountExplorer(root, state, session, message);
  delete document.body.dataset.ready;
  const facets = await get('/api/facets');
  const tree = h('ul', { class: 'tree', id: 'tree' });
  const params = { ...state.filter, sort: state.sort, dir: state.dir, offset: state.offset, limit: PAGE };
  const page = await get('/api/items', params);
  const total = page.capped ? st('capped', { n: num(page.total) }) : num(page.total);
  const from = state.offset + 1;
  const to = state.offset + page.rows.length;
  const table = h(
    'table',
    { class: 'list items', id: 'items' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        sortHeader(t('risk'), 'risk', state, rerender),
        sortHeader(t('item'), 'name', state, rerender),
        h('th', null, t('types')),
        sortHeader(t('findings'), 'findings', state, rerender, 'num'),
        h('th', null, t('access')),
        sortHeader(t('modified'), 'modified', state, rerender),
        sortHeader(t('size'), 'size', state, rerender, 'num'),
      ),
    ),
    h(
      'tbody',
      null,
      page.rows.map((r) =>
        h(
          'tr',
          { class: state.selected === r.uri ? 'selected' : null },
          h('td', null, levelBadge(r.level, r.score)),
          h(
            'td',
            { class: 'path' },
            h(
              'button',
              {
                type: 'button',
                class: 'link open-item',
                onclick: () => {
                  state.selected = r.uri;
                  rerender();
                },
              },
              r.name,
            ),
          ),
          h('td', null, r.types.join(', ')),
          h('td', { class: 'num' }, num(r.findings)),
          h('td', null, r.broad === true ? t('broad') : r.broad === 'unknown' ? t('accessUnknown') : ''),
          h('td', null, date(r.modified)),
          h('td', { class: 'num' }, bytes(r.size)),
        ),
      ),
    ),
  );
  const pager = h(
    'div',
    { class: 'pager' },
    h(
      'button',
      {
        type: 'button',
        id: 'prev',
        disabled: state.offset === 0,
        onclick: () => {
          state.offset = Math.max(0, state.offset - PAGE);
          rerender();
        },
      },
      t('prev'),
    ),
    h('span', { id: 'shown' }, page.rows.length ? t('shown', { from: num(from), to: num(to), total }) : t('shownNone')),
    h(
      'button',
      {
        type: 'button',
        id: 'next',
        disabled: !page.more,
        onclick: () => {
          state.offset += PAGE;
          rerender();
        },
      },
      t('next'),
    ),
  );
  const bulk = triageControls(
    session,
    async (status, note) => {
      if (!window.confirm(st('confirmFilter', { status: triageName(status) }))) return;
      const r = await send('POST', '/api/triage', { selection: { kind: 'filter', filter: state.filter }, status, ...(note ? { note } : {}) });
      message(st('applied', { n: num(r.findings), status: triageName(status) }));
      rerender();
    },
    'triage-filter',
  );
  const detail = state.selected ? await get('/api/item', { uri: state.selected }).catch(() => null) : null;
  const main = h(
    'div',
    { class: 'explorer-main' },
    filters(state, facets, rerender),
    bulk ? h('div', { class: 'bulk' }, h('span', { class: 'muted' }, `${st('applyFilter')}: `), bulk) : null,
    table,
    pager,
    detail ? itemView(detail, session, rerender, message) : null,
  );
  root.replaceChildren(h('div', { class: 'explorer' }, h('nav', { class: 'side', 'aria-label': t('folders') }, tree), main));
  await fillTree(tree, '', state, rerender);
  if (detail) document.getElementById('item-view')?.scrollIntoView({ block: 'nearest' });
  document.body.dataset.ready = 'explorer';
}
