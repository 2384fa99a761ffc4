/* The follow page: draws the ticket's state, keeps it live over Server-Sent Events (asking
   the office again when the stream cannot open), and makes a call unmissable: full-screen
   colour, the counter in very large type, vibration and a chime once the citizen allowed
   them (phones play sound and vibrate only after a tap on the page). */
'use strict';
(function () {
  var S = {
    vi: {
      title: 'Theo dõi lượt', lang: 'English', yours: 'Số của bạn',
      ahead: 'Người trước bạn', wait: 'Chờ khoảng', min: 'phút', serving: 'Đang gọi',
      none_open: 'Chưa có quầy nào mở cho lượt của bạn. Thời gian chờ sẽ hiện khi quầy mở.',
      moved_counter: 'Vé của bạn đã được chuyển sang quầy {c}. Bạn vẫn giữ chỗ trong hàng.',
      moved_queue: 'Vé của bạn đã được chuyển sang hàng {q}. Bạn vẫn giữ chỗ trong hàng.',
      turn: 'Đến lượt bạn', go: 'Mời đến quầy', title_called: 'Đến lượt bạn – quầy {c}',
      at_counter: 'Bạn đang được phục vụ tại quầy {c}.',
      done: 'Đã phục vụ xong. Cảm ơn bạn!',
      missed: 'Bạn đã lỡ lượt gọi ở quầy {c}.',
      recall: 'Hãy đến quầy {c} trước {t} để được gọi lại.',
      retake: 'Vui lòng lấy số mới tại ki-ốt.',
      expired: 'Vé này chỉ có giá trị trong ngày {d}.',
      unknown: 'Văn phòng chưa nhận được vé này. Nếu bạn vừa lấy vé lúc mạng gián đoạn, trang sẽ tự hiện số khi ki-ốt kết nối lại.',
      invalid: 'Địa chỉ này không phải của vé nào. Hãy quét lại mã QR trên vé.',
      live: 'Cập nhật trực tiếp', polled: 'Cập nhật lúc {t}', off: 'Mất kết nối – đang thử lại…',
      arm: 'Bật chuông và rung khi đến lượt', armed: 'Chuông và rung đã bật – giữ trang này mở',
      foot: 'Trang này không có thông tin cá nhân của bạn. Chỉ có giá trị trong ngày {d}.'
    },
    en: {
      title: 'Follow your turn', lang: 'Tiếng Việt', yours: 'Your number',
      ahead: 'People ahead', wait: 'About', min: 'min', serving: 'Now calling',
      none_open: 'No counter is open for your turn yet. The wait shows once one opens.',
      moved_counter: 'Your ticket was sent to counter {c}. You keep your place in line.',
      moved_queue: 'Your ticket was sent to line {q}. You keep your place in line.',
      turn: 'Your turn', go: 'Please go to counter', title_called: 'Your turn – counter {c}',
      at_counter: 'You are being served at counter {c}.',
      done: 'You have been served. Thank you!',
      missed: 'You missed your call at counter {c}.',
      recall: 'Go to counter {c} before {t} to be called back.',
      retake: 'Please take a new number at the kiosk.',
      expired: 'This ticket was valid on {d} only.',
      unknown: 'The office has not received this ticket yet. If you took it while the network was down, your number appears here once the kiosk reconnects.',
      invalid: 'This address is not a ticket’s. Scan the QR code on your ticket again.',
      live: 'Live', polled: 'Updated at {t}', off: 'Connection lost – retrying…',
      arm: 'Chime and vibrate when it is my turn', armed: 'Chime and vibration on – keep this page open',
      foot: 'This page holds no personal data. Valid on {d} only.'
    }
  };
  var $ = function (id) { return document.getElementById(id); };
  var token = location.pathname.split('/').pop();
  var start = JSON.parse($('start').textContent);
  var status = start.status, view = start.view;
  var lang = 'vi', audio = null, armed = false, lastState = null, wake = null;
  try { if (localStorage.getItem('motcua.lang') === 'en') lang = 'en'; } catch (e) { /* private mode */ }

  function t(key, vars) {
    return S[lang][key].replace(/\{(\w)\}/g, function (_, k) { return vars && vars[k] !== undefined ? vars[k] : ''; });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function date(d) { var p = (d || '').split('-'); return p.length === 3 ? p[2] + '/' + p[1] + '/' + p[0] : ''; }
  function clock(iso) {
    var d = new Date(iso);
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }
  function card(children) {
    var c = el('div', 'card');
    children.forEach(function (x) { if (x) c.appendChild(x); });
    return c;
  }
  function fact(label, value) {
    var f = el('div', 'fact');
    f.appendChild(el('span', null, label));
    f.appendChild(el('b', null, value));
    return f;
  }

  function render() {
    var main = $('main'), v = view || {}, st = status === 'found' ? v.state : status;
    document.documentElement.lang = lang;
    $('lang').textContent = t('lang');
    $('lang').lang = lang === 'vi' ? 'en' : 'vi';
    $('office').textContent = v.office || t('title');
    main.textContent = '';
    document.body.className = st === 'called' ? 'called' : '';
    document.title = st === 'called' ? t('title_called', { c: v.counter }) : t('title') + (v.label ? ' ' + v.label : '');
    var head = v.label ? [el('p', 'small', t('yours')), el('p', 'num', v.label), el('p', 'field', lang === 'en' ? v.field_en : v.field_vi)] : [];
    if (st === 'waiting') {
      main.appendChild(card(head));
      if (v.transferred_counter) main.appendChild(el('p', 'note', t('moved_counter', { c: v.transferred_counter })));
      else if (v.transferred_queue) main.appendChild(el('p', 'note', t('moved_queue', { q: v.transferred_queue })));
      var facts = el('div', 'facts');
      facts.appendChild(fact(t('ahead'), v.ahead));
      facts.appendChild(fact(t('wait'), v.wait_minutes === undefined ? '—' : v.wait_minutes + ' ' + t('min')));
      var serving = fact(t('serving'), v.serving || '—');
      serving.className = 'fact wide';
      facts.appendChild(serving);
      main.appendChild(facts);
      if (!v.counters_open) main.appendChild(el('p', 'note', t('none_open')));
    } else if (st === 'called') {
      main.appendChild(card([el('p', 'turn', t('turn')), el('p', 'big', t('go')), el('p', 'counter', v.counter), el('p', 'big', v.label)]));
    } else if (st === 'serving') {
      main.appendChild(card(head.concat([el('p', 'big ok', t('at_counter', { c: v.counter }))])));
    } else if (st === 'done') {
      main.appendChild(card(head.concat([el('p', 'big ok', t('done'))])));
    } else if (st === 'no_show') {
      main.appendChild(card(head.concat([el('p', 'big', t('missed', { c: v.counter }))])));
      main.appendChild(el('p', 'note', v.recall_until ? t('recall', { c: v.counter, t: clock(v.recall_until) }) : t('retake')));
    } else if (st === 'expired') {
      main.appendChild(el('p', 'note', t('expired', { d: date(v.business_date) })));
    } else {
      main.appendChild(el('p', 'note', t(st === 'invalid' ? 'invalid' : 'unknown')));
    }
    $('foot').textContent = v.business_date ? t('foot', { d: date(v.business_date) }) : '';
    $('arm-box').hidden = !(st === 'waiting' || st === 'called');
    $('arm').textContent = t(armed ? 'armed' : 'arm');
    $('arm').className = armed ? 'on' : '';
    if (st === 'called' && lastState !== 'called') {
      window.scrollTo(0, 0);
      if (lastState !== null) ring();
    }
    lastState = st;
  }

  // ------------------------------------------------------------ the call: sound, vibration
  function chime(when, freq) {
    var o = audio.createOscillator(), g = audio.createGain();
    o.frequency.value = freq;
    g.gain.setValueAtTime(0.0001, when);
    g.gain.exponentialRampToValueAtTime(0.6, when + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, when + 0.6);
    o.connect(g); g.connect(audio.destination);
    o.start(when); o.stop(when + 0.65);
  }
  function ring() {
    if (navigator.vibrate) { try { navigator.vibrate([500, 200, 500, 200, 900]); } catch (e) { /* not allowed */ } }
    if (audio) {
      var now = audio.currentTime;
      for (var i = 0; i < 3; i++) { chime(now + i * 1.4, 880); chime(now + i * 1.4 + 0.35, 660); }
    }
  }
  $('arm').addEventListener('click', function () {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && !audio) { try { audio = new Ctx(); } catch (e) { audio = null; } }
    if (audio && audio.resume) audio.resume();
    if (audio) chime(audio.currentTime, 880);
    if (navigator.vibrate) { try { navigator.vibrate(80); } catch (e) { /* not allowed */ } }
    // The screen stays on while the page waits, where the phone allows it.
    if (navigator.wakeLock && !wake) navigator.wakeLock.request('screen').then(function (w) { wake = w; }, function () {});
    armed = true;
    render();
  });
  $('lang').addEventListener('click', function () {
    lang = lang === 'vi' ? 'en' : 'vi';
    try { localStorage.setItem('motcua.lang', lang); } catch (e) { /* private mode */ }
    render();
  });

  // ------------------------------------------------------------ keeping it live
  // The stream first; when it will not open (no such ticket yet, too many streams from one
  // address, no network) the page asks the office itself, and streams again once it can.
  var es = null, failures = 0, timer = null;
  function final() { return status === 'invalid' || (status === 'found' && (view.state === 'done' || view.state === 'expired')); }
  function live(text, off) { $('live').textContent = text; $('live').className = off ? 'live off' : 'live'; }
  function later(ms, f) { clearTimeout(timer); timer = setTimeout(f, ms); }
  function connect() {
    if (final() || es) return;
    if (status !== 'found' || !window.EventSource || failures >= 3) { poll(); return; }
    es = new EventSource('/api/v1/stream?view=follow&ticket=' + encodeURIComponent(token));
    es.addEventListener('snapshot', function (e) {
      failures = 0;
      status = 'found'; view = JSON.parse(e.data);
      live('● ' + t('live'));
      render();
      if (final()) { es.close(); es = null; live(''); }
    });
    es.onerror = function () {
      if (es && es.readyState === EventSource.CLOSED) { es = null; failures++; poll(); }
      else live(t('off'), true);
    };
  }
  function poll() {
    fetch('/api/v1/follow/' + encodeURIComponent(token), { cache: 'no-store' }).then(function (r) {
      if (r.status === 404) { status = 'unknown'; view = null; render(); live(''); later(10000, poll); return null; }
      if (!r.ok) throw new Error(String(r.status));
      return r.json().then(function (v) {
        status = 'found'; view = v; render();
        if (final()) { live(''); return; }
        live(t('polled', { t: clock(new Date().toISOString()) }));
        if (failures < 3) later(2000 * failures, connect); else later(10000, poll);
      });
    }).catch(function () { live(t('off'), true); later(Math.min(30000, 2000 * (failures + 1)), poll); });
  }
  render();
  if (status === 'found') connect(); else if (status === 'unknown') later(10000, poll);
  // Leaving the page closes its stream (a page kept for the Back button would hold one of
  // the browser's six connections to the office); coming back opens it again.
  window.addEventListener('pagehide', function () { if (es) { es.close(); es = null; } clearTimeout(timer); });
  window.addEventListener('pageshow', function (e) { if (e.persisted && !final() && status !== 'invalid') connect(); });
  // Back from another app or the phone's sleep: a dead stream is opened again at once.
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && !es && !final() && status !== 'invalid') { failures = Math.min(failures, 2); connect(); }
  });
})();
