/* motcua: the display board: counters, recent calls, the voice announcements (served at /static/board.js, after motcua.js). */
'use strict';
(function () {
  const M = window.Motcua;
  const { t, el } = M;

  M.addStrings({
    vi: {
      'board.title': 'Số đang phục vụ',
      'board.subtitle': 'Now serving',
      'recent.title': 'Vừa gọi',
      'recent.none': 'Chưa có lượt gọi.',
      'counters.aria': 'Các quầy',
      'counters.none': 'Chưa có quầy nào mở.',
      'paused': 'Tạm dừng',
      'fullscreen': 'Toàn màn hình',
      'sound.unlock': 'Chạm để bật âm thanh',
      'sound.unlock.sub': 'Tap to enable sound',
      'weekday.0': 'Chủ nhật', 'weekday.1': 'Thứ Hai', 'weekday.2': 'Thứ Ba', 'weekday.3': 'Thứ Tư',
      'weekday.4': 'Thứ Năm', 'weekday.5': 'Thứ Sáu', 'weekday.6': 'Thứ Bảy',
    },
    en: {
      'board.title': 'Now serving',
      'board.subtitle': 'Số đang phục vụ',
      'recent.title': 'Recent calls',
      'recent.none': 'No calls yet.',
      'counters.aria': 'Counters',
      'counters.none': 'No counter is open yet.',
      'paused': 'Paused',
      'fullscreen': 'Full screen',
      'sound.unlock': 'Tap to enable sound',
      'sound.unlock.sub': 'Chạm để bật âm thanh',
      'weekday.0': 'Sunday', 'weekday.1': 'Monday', 'weekday.2': 'Tuesday', 'weekday.3': 'Wednesday',
      'weekday.4': 'Thursday', 'weekday.5': 'Friday', 'weekday.6': 'Saturday',
    },
  });

  const $ = (id) => document.getElementById(id);
  const FLASH_MS = 6000;
  const MAX_BACKLOG = 3;       // after a reconnect, announce at most the newest 3 missed calls
  const MAX_QUEUE = 10;        // never let a blocked speaker pile up an endless queue
  const STALL_MS = 4000;       // a clip that makes no progress for 4 s is skipped
  const GAP_MS = 500;          // silence between two announcements

  let snap = null;
  let maxSeen = null;          // highest call id seen; null until the first snapshot

  // ------------------------------------------------------------------ rendering

  const cards = new Map();     // counter number → card element (kept, so a flash survives re-renders)

  function render() {
    if (!snap) return;
    renderCounters();
    renderRecent();
    renderNotice();
  }

  function renderCounters() {
    const box = $('board-counters');
    const list = (snap.counters || []).slice().sort((a, b) => a.counter - b.counter);
    const keep = new Set(list.map((c) => c.counter));
    for (const [n, card] of cards) if (!keep.has(n)) { card.remove(); cards.delete(n); }
    const empty = box.querySelector('.board-empty');
    if (empty) empty.remove();

    for (const c of list) {
      let card = cards.get(c.counter);
      if (!card) {
        card = el('div', { class: 'card-counter', dataset: { counter: String(c.counter) } },
          el('div', { class: 'name' }), el('div', { class: 'label' }), el('div', { class: 'status' }));
        cards.set(c.counter, card);
      }
      card.querySelector('.name').textContent = t('counter.n', { n: c.counter });
      card.querySelector('.label').textContent = c.label || '—';
      card.querySelector('.status').textContent = c.paused ? t('paused') : '';
      card.classList.toggle('paused', !!c.paused);
      box.append(card); // append moves existing nodes: keeps counter order
    }
    if (!list.length) box.append(el('div', { class: 'board-empty', text: t('counters.none') }));
    layoutGrid(Math.max(1, list.length));
  }

  /** Pick the column count that gives the biggest ticket labels for n cards. */
  function layoutGrid(n) {
    const box = $('board-counters');
    const W = box.clientWidth || window.innerWidth * 0.66;
    const H = box.clientHeight || window.innerHeight * 0.7;
    let best = { cols: 1, size: 0 };
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const cw = W / cols;
      const ch = H / rows;
      // Same ratio as the CSS: label size = min(52% of height, 29% of width).
      const size = Math.min(ch * 0.52, cw * 0.29);
      if (size > best.size + 0.5) best = { cols, size };
    }
    box.style.setProperty('--cols', best.cols);
    box.style.setProperty('--rows', Math.ceil(n / best.cols));
  }

  function renderRecent() {
    const list = $('board-recent');
    const rows = snap.recent || [];
    list.replaceChildren(
      ...rows.map((r) =>
        el('li', { dataset: { id: String(r.id) } },
          el('span', { class: 'label', text: r.label }),
          el('span', { class: 'arrow', 'aria-hidden': 'true', text: '→' }),
          el('span', { class: 'counter', text: t('counter.n', { n: r.counter }) })))
    );
    if (!rows.length) list.append(el('li', { class: 'empty-row', text: t('recent.none') }));
    clipRecent();
  }

  /** Hide the rows that do not fit whole: a half-cut line reads badly across a room. */
  function clipRecent() {
    const list = $('board-recent');
    const bottom = list.getBoundingClientRect().bottom;
    for (const li of list.children) {
      li.hidden = false;
      if (li.getBoundingClientRect().bottom > bottom + 1) li.hidden = true;
    }
  }

  let noticeText = null;

  function renderNotice() {
    const en = M.lang() === 'en' && snap.notice_en && snap.notice_en.trim();
    const text = (en ? snap.notice_en : snap.notice_vi || '').trim();
    const bar = $('notice-bar');
    bar.hidden = !text;
    if (text === noticeText) return; // do not restart the scrolling on every snapshot
    noticeText = text;
    const n = $('notice');
    n.textContent = text;
    n.classList.remove('scroll');
    if (!text) return;
    // Scroll only a notice too long for the screen; speed ≈ 12 vh per second.
    requestAnimationFrame(() => {
      const textW = n.scrollWidth;
      const barW = bar.clientWidth;
      if (textW > barW) {
        const seconds = (textW + barW) / (window.innerHeight * 0.12);
        n.style.setProperty('--notice-from', barW + 'px');
        n.style.setProperty('--notice-to', -textW + 'px');
        n.style.setProperty('--notice-duration', seconds + 's');
        n.style.setProperty('--notice-delay', -(barW / (textW + barW)) * seconds + 's');
        n.classList.add('scroll');
      }
    });
  }

  function flash(counter) {
    const card = cards.get(counter);
    if (!card) return;
    card.classList.remove('flash');
    void card.offsetWidth; // restart the animation if it was already flashing
    card.classList.add('flash');
    clearTimeout(card._flashTimer);
    card._flashTimer = setTimeout(() => card.classList.remove('flash'), FLASH_MS);
  }

  // ------------------------------------------------------------------ snapshots

  function onSnapshot(s) {
    snap = s;
    render();
    const recent = (s.recent || []).filter((r) => Number.isFinite(r.id));
    preload(recent);
    const top = recent.reduce((m, r) => Math.max(m, r.id), 0);
    if (maxSeen === null) {
      maxSeen = top; // first load: remember, announce nothing
      return;
    }
    // New calls, oldest first; after a long disconnection only the newest few.
    const fresh = recent.filter((r) => r.id > maxSeen).sort((a, b) => a.id - b.id);
    if (!fresh.length) return;
    maxSeen = fresh[fresh.length - 1].id;
    for (const r of fresh.slice(-MAX_BACKLOG)) {
      flash(r.counter);
      enqueue(r);
    }
  }

  // ------------------------------------------------------------------ voice

  const board = {
    announced: [],          // ids fully played or skipped, in order
    queued: () => queue.length + (speaking ? 1 : 0),
    log: [],                // {id, clip, outcome: 'played' | 'failed' | 'skipped'}
  };
  window.motcuaBoard = board;

  const queue = [];         // announcements waiting: {id, clips}
  let speaking = null;      // the announcement being played
  const audio = new Map();  // clip → HTMLAudioElement (preloaded, reused)
  let unlockWaiters = [];   // resumes waiting for a tap (autoplay blocked)

  const clipUrl = (clip) => '/static/voice/' + encodeURIComponent(clip) + '.wav';

  /** The cached element for a clip; a clip that failed to load gets a fresh element. */
  function audioFor(clip) {
    let a = audio.get(clip);
    if (!a || a.error) {
      a = new Audio(clipUrl(clip));
      a.preload = 'auto';
      audio.set(clip, a);
    }
    return a;
  }

  function preload(recent) {
    const clips = new Set(['chime']);
    for (const r of recent) for (const c of r.say || []) clips.add(c);
    // Preloading does not retry a clip that failed: playing it will.
    for (const c of clips) if (!audio.has(c)) audioFor(c);
  }

  function enqueue(r) {
    queue.push({ id: r.id, clips: ['chime', ...(Array.isArray(r.say) ? r.say : [])] });
    while (queue.length > MAX_QUEUE) queue.shift(); // stale calls are worse than silence
    pump();
  }

  async function pump() {
    if (speaking) return;
    while (queue.length) {
      speaking = queue.shift();
      for (const clip of speaking.clips) {
        const outcome = await playClip(clip);
        board.log.push({ id: speaking.id, clip, outcome });
      }
      board.announced.push(speaking.id);
      speaking = null;
      if (queue.length) await new Promise((r) => setTimeout(r, GAP_MS));
    }
  }

  /**
   * Play one clip to the end. Resolves 'played', 'failed' (load/decode error) or
   * 'skipped' (no progress for STALL_MS). When autoplay is blocked it waits for a
   * tap on #sound-unlock and tries again; that wait is not a stall.
   */
  function playClip(clip) {
    return new Promise((resolve) => {
      if (!/^[A-Za-z0-9_-]+$/.test(clip)) return resolve('failed');
      const a = audioFor(clip);
      let done = false;
      let blocked = false;
      let lastTime = -1;
      let lastProgress = Date.now();

      const finish = (outcome) => {
        if (done) return;
        done = true;
        clearInterval(watchdog);
        a.removeEventListener('ended', onEnded);
        a.removeEventListener('error', onError);
        if (outcome !== 'played') {
          try { a.pause(); } catch (_) { /* ignore */ }
        }
        if (outcome === 'skipped') audio.delete(clip); // a stuck element is replaced next time
        resolve(outcome);
      };
      const onEnded = () => finish('played');
      const onError = () => finish('failed');
      a.addEventListener('ended', onEnded);
      a.addEventListener('error', onError);

      const watchdog = setInterval(() => {
        const now = Date.now();
        if (blocked || a.currentTime !== lastTime) {
          lastTime = a.currentTime;
          lastProgress = now;
        } else if (now - lastProgress > STALL_MS) {
          finish('skipped');
        }
      }, 250);

      const attempt = () => {
        blocked = false;
        lastProgress = Date.now();
        let p;
        try {
          a.currentTime = 0;
          p = a.play();
        } catch (e) {
          return finish('failed');
        }
        Promise.resolve(p).catch((e) => {
          if (done) return; // rejected because we paused it ourselves
          if (e && e.name === 'NotAllowedError') {
            blocked = true;
            waitForTap(attempt);
          } else {
            finish('failed');
          }
        });
      };
      attempt();
    });
  }

  function waitForTap(resume) {
    unlockWaiters.push(resume);
    $('sound-unlock').hidden = false;
  }

  $('sound-unlock').addEventListener('click', () => {
    $('sound-unlock').hidden = true;
    const waiters = unlockWaiters;
    unlockWaiters = [];
    // Called inside the tap so play() runs with the user's gesture.
    for (const resume of waiters) resume();
  });

  // ------------------------------------------------------------------ clock, screen, language

  function tick() {
    const now = new Date();
    $('clock').textContent = M.hhmm(now);
    $('date').textContent = t('weekday.' + now.getDay()) + ', ' +
      M.pad2(now.getDate()) + '/' + M.pad2(now.getMonth() + 1) + '/' + now.getFullYear();
    setTimeout(tick, 1000 - (Date.now() % 1000) + 20);
  }

  function setTitles() {
    $('board-title').textContent = t('board.title');
    $('board-subtitle').textContent = t('board.subtitle');
    document.title = t('board.title') + ' — ' + t('app.name');
  }

  const fsButton = $('btn-fullscreen');
  function updateFullscreenButton() {
    fsButton.hidden = !document.fullscreenEnabled || !!document.fullscreenElement;
  }
  fsButton.addEventListener('click', () => {
    document.documentElement.requestFullscreen().catch(() => {});
  });
  document.addEventListener('fullscreenchange', () => {
    updateFullscreenButton();
    if (snap) layoutGrid(Math.max(1, (snap.counters || []).length));
  });

  // Hide the mouse pointer when nobody moves it (it would sit on the TV forever).
  let idleTimer = null;
  document.addEventListener('mousemove', () => {
    document.body.classList.remove('idle');
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => document.body.classList.add('idle'), 3000);
  });

  window.addEventListener('resize', () => {
    if (snap) layoutGrid(Math.max(1, (snap.counters || []).length));
    if (snap) renderRecent();
    noticeText = null;
    if (snap) renderNotice();
  });

  let everConnected = false;
  function setConn(state) {
    const c = $('conn');
    if (state === 'connected') everConnected = true;
    c.dataset.state = state;
    c.textContent = state === 'connected' ? t('conn.connected')
      : everConnected ? t('conn.reconnecting') : t('conn.connecting');
  }

  M.onLangChange(() => {
    setTitles();
    setConn($('conn').dataset.state);
    noticeText = null;
    render();
  });

  M.applyI18n(document);
  setTitles();
  updateFullscreenButton();
  setConn('reconnecting');
  tick();
  M.stream('board', {}, onSnapshot, (state) => setConn(state));
})();
