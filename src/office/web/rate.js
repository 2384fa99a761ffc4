/* motcua: the rating tablet: pairs once with staff's code, then asks for a rating of the ticket just finished (served at /static/rate.js, after motcua.js). */
'use strict';
(function () {
  const M = window.Motcua;
  const { t } = M;

  M.addStrings({
    vi: {
      'head.title': 'Đánh giá mức độ hài lòng',
      'idle.thanks': 'Cảm ơn quý khách',
      'idle.hint': 'Sau khi được phục vụ, mời quý khách đánh giá tại đây.',
      'setup.no_counter': 'Địa chỉ trang thiếu số quầy (ví dụ: /rate/2).',
      'ask.before': 'Quý khách có hài lòng với phục vụ (số ',
      'ask.after': ')?',
      'score.very': 'Rất hài lòng',
      'score.ok': 'Hài lòng',
      'score.bad': 'Không hài lòng',
      'reasons.title': 'Xin quý khách cho biết lý do (có thể chọn nhiều)',
      'reason.long_wait': 'Chờ lâu',
      'reason.attitude': 'Thái độ chưa tốt',
      'reason.unclear': 'Hướng dẫn chưa rõ',
      'reason.paperwork': 'Thủ tục rườm rà',
      'reason.other': 'Lý do khác',
      'back': 'Quay lại',
      'send': 'Gửi',
      'thanks': 'Cảm ơn quý khách!',
      'pair.title': 'Ghép máy tính bảng với quầy',
      'pair.hint': 'Cán bộ nhập mã ghép (in ra khi đăng ký máy tính bảng). Chỉ cần làm một lần.',
      'pair.label': 'Mã ghép',
      'pair.submit': 'Ghép máy',
      'pair.other': 'Máy này đang được ghép với quầy {n}. Nhập mã ghép của quầy này để đổi.',
      'pair.empty': 'Vui lòng nhập mã ghép (8 ký tự).',
    },
    en: {
      'head.title': 'How was our service?',
      'idle.thanks': 'Thank you',
      'idle.hint': 'After you have been served, please rate our service here.',
      'setup.no_counter': 'The page address lacks the counter number (e.g. /rate/2).',
      'ask.before': 'Were you satisfied with our service (ticket ',
      'ask.after': ')?',
      'score.very': 'Very satisfied',
      'score.ok': 'Satisfied',
      'score.bad': 'Not satisfied',
      'reasons.title': 'Please tell us why (choose one or more)',
      'reason.long_wait': 'Long wait',
      'reason.attitude': 'Poor attitude',
      'reason.unclear': 'Unclear guidance',
      'reason.paperwork': 'Too much paperwork',
      'reason.other': 'Other reason',
      'back': 'Back',
      'send': 'Send',
      'thanks': 'Thank you!',
      'pair.title': 'Pair this tablet with its counter',
      'pair.hint': 'Staff: enter the pairing code printed when the tablet was enrolled. This is needed only once.',
      'pair.label': 'Pairing code',
      'pair.submit': 'Pair',
      'pair.other': 'This tablet is paired with counter {n}. Enter this counter’s pairing code to change it.',
      'pair.empty': 'Please enter the pairing code (8 characters).',
    },
  });

  const $ = (id) => document.getElementById(id);
  const THANKS_MS = 4000;
  const IDLE_MS = 60000;

  const m = location.pathname.match(/\/rate\/(\d{1,2})\/?$/);
  const counter = m ? Number(m[1]) : NaN;
  const deviceLang = M.lang(); // a citizen's language choice lasts until the screen goes idle

  let state = 'idle';          // 'pair' | 'idle' | 'ask' | 'thanks'
  let pending = null;          // the latest snapshot's pending ticket
  let asked = null;            // the ticket on screen
  let sending = false;
  const finished = new Set();  // ticket ids rated or left unanswered: never ask twice
  let idleTimer = null;
  let thanksTimer = null;
  let live = null;             // the stream, once paired
  let pairedTo = null;         // the counter another pairing of this browser is for

  function show(view) {
    state = view;
    $('rate-pair').hidden = view !== 'pair';
    $('rate-idle').hidden = view !== 'idle';
    $('rate-ask').hidden = view !== 'ask';
    $('rate-thanks').hidden = view !== 'thanks';
  }

  // ---- Pairing: the tablet cookie comes from staff's one-time code ---------------

  /** The pairing form, e.g. when the office no longer knows this browser's cookie. */
  function showPairing() {
    if (live) {
      live.close();
      live = null;
    }
    clearTimeout(idleTimer);
    clearTimeout(thanksTimer);
    asked = null;
    pending = null;
    setTexts();
    $('conn').hidden = true;
    show('pair');
    $('pair-code').focus();
  }

  function startRating() {
    $('conn').hidden = false;
    show('idle');
    if (!live) live = M.stream('rate', { counter }, onSnapshot, onStreamStatus);
  }

  /** A stream the office closed may mean the tablet was paired anew elsewhere. */
  async function onStreamStatus(st, info) {
    setConn(st);
    if (!info || !info.closed) return;
    try {
      const p = await M.api('GET', '/api/v1/rate/pair');
      if (!p.paired || p.counter !== counter) {
        pairedTo = p.paired ? p.counter : null;
        showPairing();
      }
    } catch (_) {
      // The office is unreachable: the stream keeps retrying.
    }
  }

  function pairError(text) {
    $('pair-error').textContent = text;
    $('pair-error').hidden = !text;
  }

  async function submitPairing(ev) {
    ev.preventDefault();
    const code = $('pair-code').value.trim();
    if (!code) {
      pairError(t('pair.empty'));
      return;
    }
    $('pair-submit').disabled = true;
    try {
      const p = await M.api('POST', '/api/v1/rate/pair', { code });
      $('pair-code').value = '';
      pairError('');
      if (p.counter !== counter) {
        location.href = M.pagePath('/rate/' + p.counter);
        return;
      }
      pairedTo = null;
      startRating();
    } catch (err) {
      pairError(M.errorText(err));
    } finally {
      $('pair-submit').disabled = false;
    }
  }

  async function checkPairing() {
    try {
      const p = await M.api('GET', '/api/v1/rate/pair');
      if (p.paired && p.counter === counter) {
        startRating();
      } else {
        pairedTo = p.paired ? p.counter : null;
        showPairing();
      }
    } catch (err) {
      // Not reachable yet: try again, as the stream would.
      setConn('reconnecting');
      setTimeout(checkPairing, 3000);
    }
  }

  function goIdle() {
    clearTimeout(idleTimer);
    clearTimeout(thanksTimer);
    if (asked) finished.add(asked.ticket_id);
    asked = null;
    if (M.lang() !== deviceLang) M.setLang(deviceLang, { persist: false });
    show('idle');
  }

  function askFor(p) {
    asked = p;
    $('rate-label').textContent = p.label;
    showChoices();
    show('ask');
    armIdle();
  }

  function showChoices() {
    $('rate-choices').hidden = false;
    $('rate-reasons').hidden = true;
    for (const c of document.querySelectorAll('.chip')) c.setAttribute('aria-pressed', 'false');
    setSending(false);
  }

  /** Back to idle after a minute nobody touches the screen. */
  function armIdle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(goIdle, IDLE_MS);
  }

  /** Decide what to show for the latest pending ticket (unless thanking someone). */
  function evaluate() {
    if (state === 'thanks') return;
    if (pending && !finished.has(pending.ticket_id)) {
      if (state !== 'ask' || !asked || asked.ticket_id !== pending.ticket_id) askFor(pending);
    } else if (state === 'ask' && !sending) {
      // The rating window closed (5 minutes, or rated elsewhere).
      goIdle();
    }
  }

  function onSnapshot(s) {
    pending = s && s.pending ? s.pending : null;
    evaluate();
  }

  function setSending(on) {
    sending = on;
    for (const b of document.querySelectorAll('#rate-ask button')) b.disabled = on;
  }

  async function send(score, reasons) {
    if (!asked || sending) return;
    const ticket = asked;
    setSending(true);
    try {
      await M.api('POST', '/api/v1/rate/' + counter, { ticket_id: ticket.ticket_id, score, reasons });
      finished.add(ticket.ticket_id);
      thank();
    } catch (err) {
      setSending(false);
      if (err.code === 'not_pending') {
        // Too late (or already rated): nothing the citizen can do about it.
        finished.add(ticket.ticket_id);
        M.showMessage($('message'), M.errorText(err), 'error', '', 4000);
        goIdle();
        evaluate();
      } else if (err.code === 'tablet_not_paired' || err.code === 'wrong_counter') {
        showPairing();
      } else {
        M.showMessage($('message'), M.errorText(err), 'error', '', 5000);
      }
    }
  }

  function thank() {
    clearTimeout(idleTimer);
    asked = null;
    setSending(false);
    show('thanks');
    thanksTimer = setTimeout(() => {
      goIdle();
      evaluate(); // a newer ticket may have finished meanwhile
    }, THANKS_MS);
  }

  $('rate-very').addEventListener('click', () => send('very_satisfied', []));
  $('rate-ok').addEventListener('click', () => send('satisfied', []));
  $('rate-bad').addEventListener('click', () => {
    $('rate-choices').hidden = true;
    $('rate-reasons').hidden = false;
  });
  for (const chip of document.querySelectorAll('.chip')) {
    chip.addEventListener('click', () => {
      chip.setAttribute('aria-pressed', chip.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
    });
  }
  $('rate-back').addEventListener('click', showChoices);
  $('pair-form').addEventListener('submit', submitPairing);
  $('rate-send').addEventListener('click', () => {
    const reasons = [...document.querySelectorAll('.chip[aria-pressed="true"]')].map((c) => c.dataset.reason);
    send('unsatisfied', reasons);
  });

  // Any touch keeps the question up for another minute.
  for (const ev of ['pointerdown', 'keydown']) {
    document.addEventListener(ev, () => { if (state === 'ask') armIdle(); }, { passive: true });
  }

  function setConn(st) {
    const c = $('conn');
    c.dataset.state = st;
    c.textContent = st === 'connected' ? t('conn.connected') : t('conn.reconnecting');
  }

  function setTexts() {
    $('q-before').textContent = t('ask.before');
    $('q-after').textContent = t('ask.after');
    const name = Number.isInteger(counter) && counter >= 1 ? t('counter.n', { n: counter }) : '';
    $('head-counter').textContent = name;
    $('idle-counter').textContent = name;
    document.title = t('head.title') + (name ? ' · ' + name : '') + ' — ' + t('app.name');
    $('pair-other').textContent = pairedTo ? t('pair.other', { n: pairedTo }) : '';
    $('pair-other').hidden = !pairedTo;
    setConn($('conn').dataset.state);
  }

  // Toggle for the citizen: not saved, the next citizen starts in the device's language.
  M.langToggle($('btn-lang'), { persist: false });
  M.onLangChange(setTexts);
  M.applyI18n(document);
  setTexts();
  show('idle');

  if (!Number.isInteger(counter) || counter < 1 || counter > 99) {
    $('setup-error').textContent = t('setup.no_counter');
    $('setup-error').hidden = false;
    $('conn').hidden = true;
  } else {
    checkPairing();
  }
})();
