// Starts the page: reads the embedded report, renders the header, the overview and the explorer,
// and re-renders them when the language changes.
import { clear, h } from './dom.js';
import { initialExplorerState, mountExplorer } from './explorer.js';
import { currentLang, dateTime, LANGS, num, preferredLang, setLang, t } from './i18n.js';
import { hydrate, prepare } from './model.js';
import { renderOverview } from './overview.js';

const LANG_KEY = 'inzage.lang';

function storedLang() {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null; // storage can be off for file:// pages
  }
}

function storeLang(lang) {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // not remembered then; the switch still works
  }
}

function start() {
  const app = document.getElementById('app');
  // Marks let the benchmark (bench/html.ts) tell parsing, preparing and drawing apart.
  performance.mark('inzage:start');
  const report = hydrate(JSON.parse(document.getElementById('inzage-data').textContent));
  performance.mark('inzage:parsed');
  const data = prepare(report);
  performance.mark('inzage:prepared');
  const explorerState = initialExplorerState();
  let view = location.hash === '#explorer' ? 'explorer' : 'overview';
  setLang(storedLang() || preferredLang());

  const show = (next) => {
    view = next;
    history.replaceState(null, '', `#${next}`);
    render();
  };
  const actions = {
    openItem: (index) => {
      explorerState.selected = index;
      show('explorer');
    },
    openFolder: (path) => {
      Object.assign(explorerState, { folder: path, page: 0, selected: null });
      let at = '';
      for (const part of path.split('/')) {
        explorerState.open.add(at);
        at = at ? `${at}/${part}` : part;
      }
      show('explorer');
    },
  };

  function header() {
    const scan = report.scan;
    return h(
      'header',
      { class: 'top' },
      h(
        'div',
        { class: 'brand' },
        h('h1', null, t('title')),
        h('p', { class: 'meta' }, t('scanned', { roots: (scan.roots ?? []).join(', '), date: dateTime(scan.finishedAt ?? scan.startedAt) })),
        h('p', { class: 'meta muted' }, t('generatedBy', { version: report.tool?.version ?? '', id: scan.id ?? '', conf: num(scan.minConfidence ?? 0) })),
      ),
      h(
        'nav',
        { class: 'tabs', 'aria-label': 'views' },
        ['overview', 'explorer'].map((v) =>
          h(
            'button',
            { type: 'button', id: `tab-${v}`, class: view === v ? 'active' : null, 'aria-pressed': String(view === v), onclick: () => show(v) },
            t(v),
          ),
        ),
        h(
          'label',
          { class: 'lang' },
          h('span', { class: 'sr-only' }, t('language')),
          h(
            'select',
            {
              id: 'lang',
              'aria-label': t('language'),
              onchange: (e) => {
                setLang(e.target.value);
                storeLang(e.target.value);
                render();
              },
            },
            LANGS.map((l) => h('option', { value: l, selected: l === currentLang() }, l === 'nl' ? 'Nederlands' : 'English')),
          ),
        ),
        h(
          'button',
          {
            type: 'button',
            id: 'print',
            onclick: () => {
              // What prints is the overview, the management summary.
              if (view !== 'overview') show('overview');
              window.print();
            },
          },
          t('print'),
        ),
      ),
    );
  }

  function render() {
    document.title = `Inzage · ${t('title')}`;
    const main = h('main', { id: 'main', class: `view-${view}` });
    clear(app).append(header(), main);
    if (view === 'overview') main.append(renderOverview(data, actions));
    else {
      mountExplorer(main, data, explorerState);
      if (explorerState.selected !== null) document.getElementById('item-view')?.scrollIntoView({ block: 'nearest' });
    }
    document.body.dataset.ready = view;
  }

  render();
}

start();
