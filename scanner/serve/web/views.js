// The workspace's other views: the overview (the report's own module, fed from the server), the
// trend over scans, the subject request, the Art. 30 register and the audit log.
import { download, get, send } from './api.js';
import { barChart } from './report/charts.js';
import { h } from './report/dom.js';
import { categoryName, currentLang, date, dateTime, levelName, num, t, triageName, whereText } from './report/i18n.js';
import { renderOverview } from './report/overview.js';
import { st } from './texts.js';

/** A list of at most 50 rows that reports the full count as its length, as the overview expects. */
function counted(list, toRow) {
  const rows = list.rows.map(toRow);
  rows.length = Math.max(rows.length, list.total);
  return rows;
}

const itemRow = (r) => ({
  index: r.uri,
  name: r.name,
  level: r.level,
  score: r.score,
  categories: r.categories,
  findings: r.findings,
  broad: r.broad,
  error: r.error,
  size: r.size,
  item: { modified: r.modified, access: { reasons: [] } },
});

export async function overviewView(actions) {
  const o = await get('/api/overview');
  const data = {
    report: { stats: o.stats, changes: o.changes },
    byLevel: o.byLevel,
    byType: o.byType,
    byCategory: o.byCategory,
    hotItems: o.hotItems.map(itemRow),
    hotFolders: o.hotFolders,
    broad: counted(o.broad, itemRow),
    retention: counted(o.retention, itemRow),
    unscannable: counted(o.unscannable, itemRow),
  };
  return { scan: o.scan, node: renderOverview(data, actions) };
}

export async function trendView() {
  const rows = await get('/api/trend');
  const label = (r) => dateTime(r.finishedAt);
  const chart = (title, pick, cls) =>
    h(
      'section',
      { class: 'panel' },
      h('h2', null, title),
      barChart(
        title,
        rows.map((r) => [label(r), pick(r.figures), cls]),
      ),
    );
  const cats = [...new Set(rows.flatMap((r) => Object.keys(r.figures.byCategory)))].sort();
  return h(
    'div',
    { class: 'trend' },
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'button', id: 'trend-csv', onclick: () => download('/api/trend.csv', 'inzage-trend.csv') }, 'CSV'),
      h('button', { type: 'button', id: 'trend-html', onclick: () => download(`/api/trend.html?lang=${currentLang()}`, 'inzage-trend.html') }, st('printable')),
    ),
    h(
      'div',
      { class: 'charts' },
      chart(st('itemsWithData'), (f) => f.itemsWithFindings, 'level-medium'),
      chart(st('highRiskItems'), (f) => f.highRisk, 'level-high'),
      chart(st('broadItems'), (f) => f.broad, 'level-critical'),
      chart(`${st('newVsResolved')}: ${st('newF')}`, (f) => f.new, 'level-high'),
      chart(`${st('newVsResolved')}: ${st('resolvedF')}`, (f) => f.resolved, 'level-low'),
      cats.map((c) => chart(`${t('findings')}: ${categoryName(c)}`, (f) => f.byCategory[c] ?? 0, `cat-${c}`)),
    ),
  );
}

const SUBJECT_TYPES = ['email', 'nl-bsn', 'iban', 'phone', 'person-name'];

export function subjectView(message) {
  const type = h(
    'select',
    { id: 'subject-type', 'aria-label': t('type') },
    SUBJECT_TYPES.map((ty) => h('option', { value: ty }, st('types')[ty])),
  );
  const value = h('input', { id: 'subject-value', type: 'text', autocomplete: 'off', 'aria-label': st('value'), placeholder: st('value') });
  const out = h('div', { id: 'subject-result' });
  const queries = () => [{ type: type.value, value: value.value }];
  const search = async (e) => {
    e.preventDefault();
    try {
      const { hits } = await send('POST', '/api/subject', { queries: queries() });
      out.replaceChildren(
        h('p', { id: 'subject-count' }, st('hits', { n: num(hits.length), items: num(new Set(hits.map((x) => x.uri)).size) })),
        h(
          'p',
          { class: 'actions' },
          `${st('exportAs')}: `,
          ['json', 'csv', 'xml'].map((f) =>
            h(
              'button',
              { type: 'button', id: `subject-${f}`, onclick: () => download('/api/subject', `inzage-subject.${f}`, { queries: queries(), format: f }) },
              f.toUpperCase(),
            ),
          ),
        ),
        h(
          'table',
          { class: 'list' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, t('item')),
              h('th', null, t('type')),
              h('th', null, t('masked')),
              h('th', null, t('where')),
              h('th', null, t('findingStatus')),
            ),
          ),
          h(
            'tbody',
            null,
            hits.map((x) =>
              h(
                'tr',
                null,
                h('td', { class: 'path' }, x.entry ? `${x.path} › ${x.entry}` : x.path),
                h('td', null, x.type),
                h('td', { class: 'masked' }, x.masked),
                h('td', null, whereText(x.where)),
                h('td', null, triageName(x.status)),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      message(st('failed', { message: err.message }));
    }
  };
  return h(
    'section',
    { class: 'panel subject' },
    h('h2', null, st('subject')),
    h('p', { class: 'muted' }, st('subjectIntro')),
    h('form', { id: 'subject-form', onsubmit: search }, type, ' ', value, ' ', h('button', { type: 'submit', id: 'subject-search' }, st('search'))),
    out,
  );
}

const EDITABLE = ['purpose', 'legalBasis', 'dataSubjects', 'recipients', 'retention', 'owner'];

export async function registerView(session, message) {
  const rows = await get('/api/register');
  return h(
    'section',
    { class: 'panel register' },
    h('h2', null, st('register')),
    h(
      'p',
      { class: 'actions' },
      `${st('exportAs')}: `,
      h('button', { type: 'button', id: 'register-csv', onclick: () => download('/api/register.csv', 'inzage-register.csv') }, 'CSV'),
      h('button', { type: 'button', id: 'register-xlsx', onclick: () => download('/api/register.xlsx', 'inzage-register.xlsx') }, 'XLSX'),
    ),
    h(
      'table',
      { class: 'list', id: 'register' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, st('location')),
          h('th', null, t('categories')),
          h('th', { class: 'num' }, t('findings')),
          h('th', null, t('risk')),
          EDITABLE.map((k) => h('th', null, st(k))),
          h('th', null, ''),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) => {
          const inputs = EDITABLE.map((k) =>
            h('input', { type: 'text', 'data-field': k, value: r[k] ?? '', 'aria-label': st(k), readonly: session.readOnly, maxlength: '4000' }),
          );
          return h(
            'tr',
            { 'data-location': r.location },
            h('td', { class: 'path' }, r.location),
            h('td', null, [...r.categories.map(categoryName), ...r.specialCategories].join(', ')),
            h('td', { class: 'num' }, num(r.findings)),
            h('td', null, levelName(r.highestRisk)),
            inputs.map((i) => h('td', null, i)),
            h(
              'td',
              null,
              session.readOnly
                ? null
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'save',
                      onclick: async () => {
                        const body = { location: r.location };
                        for (const i of inputs) body[i.dataset.field] = i.value;
                        await send('PUT', '/api/register', body);
                        message(st('saved'));
                      },
                    },
                    st('save'),
                  ),
              r.updatedBy ? h('div', { class: 'muted' }, st('decidedBy', { who: r.updatedBy, when: dateTime(r.updatedAt) })) : null,
            ),
          );
        }),
      ),
    ),
  );
}

export async function auditView() {
  const { rows } = await get('/api/audit', { limit: 200 });
  const detail = (d) =>
    Object.entries(d)
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
      .join(' · ');
  return h(
    'section',
    { class: 'panel' },
    h('h2', null, st('audit')),
    h(
      'table',
      { class: 'list', id: 'audit' },
      h('thead', null, h('tr', null, h('th', null, st('when')), h('th', null, st('who')), h('th', null, st('action')), h('th', null, st('detail')))),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h('tr', null, h('td', null, dateTime(r.at)), h('td', null, r.actor), h('td', null, r.action), h('td', { class: 'detail' }, detail(r.detail))),
        ),
      ),
    ),
  );
}

export { date };
