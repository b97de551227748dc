// Starts the workspace: signs in (token from the printed URL, a password, or the proxy), then
// shows one view at a time. Every string from the state reaches the page as text (report/dom.js).
import { signIn, start } from './api.js';
import { initialExplorer, mountExplorer } from './explorer.js';
import { h } from './report/dom.js';
import { currentLang, dateTime, LANGS, preferredLang, setLang, t } from './report/i18n.js';
import { st } from './texts.js';
import { auditView, overviewView, registerView, subjectView, trendView } from './views.js';

const VIEWS = ['overview', 'trend', 'explorer', 'subject', 'register', 'audit'];
const app = document.getElementById('app');
const explorerState = initialExplorer();
let session = null;
let view = 'overview';
let scan = null;
let note = '';

function message(text) {
  note = text;
  const el = document.getElementById('message');
  if (el) el.textContent = text;
}

function show(next) {
  view = next;
  note = '';
  render();
}

const actions = {
  openItem: (uri) => {
    explorerState.selected = uri;
    show('explorer');
  },
  openFolder: (path) => {
    Object.assign(explorerState, { filter: { folder: path || undefined }, offset: 0, selected: null });
    let at = '';
    for (const part of path.split('/')) {
      explorerState.open.add(at);
      at = at ? `${at}/${part}` : part;
    }
    show('explorer');
  },
};

function header() {
  return h(
    'header',
    { class: 'top' },
    h(
      'div',
      { class: 'brand' },
      h('h1', null, st('workspace')),
      scan ? h('p', { class: 'meta' }, t('scanned', { roots: scan.roots.join(', '), date: dateTime(scan.finishedAt) })) : null,
      h('p', { class: 'meta muted', id: 'actor' }, st('signedInAs', { actor: session.actor }), session.readOnly ? ` · ${st('readOnly')}` : ''),
    ),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'views' },
      VIEWS.map((v) =>
        h('button', { type: 'button', id: `tab-${v}`, class: view === v ? 'active' : null, 'aria-pressed': String(view === v), onclick: () => show(v) }, st(v)),
      ),
      h(
        'select',
        {
          id: 'lang',
          'aria-label': t('language'),
          onchange: (e) => {
            setLang(e.target.value);
            render();
          },
        },
        LANGS.map((l) => h('option', { value: l, selected: l === currentLang() }, l === 'nl' ? 'Nederlands' : 'English')),
      ),
      h('button', { type: 'button', id: 'print', onclick: () => window.print() }, t('print')),
    ),
  );
}

async function render() {
  document.title = `Inzage · ${st(view)}`;
  delete document.body.dataset.ready;
  const main = h('main', { id: 'main', class: `view-${view}` }, h('p', { class: 'muted' }, st('loading')));
  app.replaceChildren(header(), h('p', { id: 'message', role: 'status' }, note), main);
  try {
    if (view === 'overview') {
      const o = await overviewView(actions);
      scan = o.scan;
      app.querySelector('header').replaceWith(header());
      main.replaceChildren(o.node);
    } else if (view === 'trend') main.replaceChildren(await trendView());
    else if (view === 'explorer') await mountExplorer(main, explorerState, session, message);
    else if (view === 'subject') main.replaceChildren(subjectView(message));
    else if (view === 'register') main.replaceChildren(await registerView(session, message));
    else main.replaceChildren(await auditView());
    document.body.dataset.ready = view;
  } catch (err) {
    main.replaceChildren(h('p', { class: 'error', id: 'failure' }, err.message === 'no-scan' ? st('noScan') : st('failed', { message: err.message })));
    document.body.dataset.ready = 'error';
  }
}

function signInForm() {
  const user = h('input', { id: 'user', autocomplete: 'username', 'aria-label': st('user'), placeholder: st('user') });
  const password = h('input', {
    id: 'password',
    type: 'password',
    autocomplete: 'current-password',
    'aria-label': st('password'),
    placeholder: st('password'),
  });
  const status = h('p', { role: 'status' }, st('noSession'));
  app.replaceChildren(
    h(
      'form',
      {
        class: 'panel signin',
        onsubmit: async (e) => {
          e.preventDefault();
          session = await signIn({ user: user.value, password: password.value });
          if (session) render();
          else status.textContent = st('noSession');
        },
      },
      h('h1', null, st('workspace')),
      status,
      user,
      password,
      h('button', { type: 'submit' }, st('signIn')),
    ),
  );
  document.body.dataset.ready = 'signin';
}

setLang(preferredLang());
session = await start();
if (session) render();
else signInForm();
