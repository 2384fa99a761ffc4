/* The booking page: choose a field, a day and a time, give a phone number, get a code and
   its QR code to show at the kiosk; the same page (…/book/CODE) shows a booking and cancels
   it. */
'use strict';
(function () {
  var S = {
    vi: {
      title: 'Đặt lịch làm thủ tục', lang: 'English', field: '1. Lĩnh vực', day: '2. Ngày', time: '3. Giờ',
      phone: '4. Số điện thoại di động', left: 'còn {n}', full: 'hết chỗ',
      phone_note: 'Số điện thoại chỉ dùng để giới hạn số lượt đặt; văn phòng chỉ lưu 4 số cuối và một mã băm.',
      book: 'Đặt lịch', none: 'Văn phòng chưa nhận đặt lịch trực tuyến.', no_days: 'Không còn giờ trống để đặt.',
      done: 'Đã đặt lịch', your_code: 'Mã đặt lịch của bạn', keep: 'Hãy chụp màn hình hoặc ghi lại mã này.',
      at_kiosk: 'Đến trong khoảng {e} phút trước đến {l} phút sau giờ hẹn, chọn “Tôi đã đặt lịch” ở ki-ốt và quét mã này để lấy số.',
      when: '{f} – {t} ngày {d}', phone_end: 'Điện thoại: •••• {p}',
      cancel: 'Hủy lịch hẹn', cancelled: 'Lịch hẹn đã hủy. Chỗ đã được trả lại.', checked_in: 'Bạn đã lấy số cho lịch hẹn này.',
      missed: 'Lịch hẹn này đã qua giờ.', unknown: 'Không tìm thấy lịch hẹn với mã này.', again: 'Đặt lịch khác',
      confirm_cancel: 'Hủy lịch hẹn này?', failed: 'Không kết nối được văn phòng. Vui lòng thử lại.',
      bad_phone: 'Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 0.', slot_full: 'Giờ này vừa hết chỗ. Hãy chọn giờ khác.',
      slot_past: 'Giờ này đã qua. Hãy chọn giờ khác.', no_such_slot: 'Giờ này không nhận đặt lịch.',
      phone_limit: 'Số điện thoại này đã có đủ lịch hẹn chưa dùng.', phone_day_limit: 'Số điện thoại này đã đủ lịch hẹn trong ngày đó.',
      phone_field_limit: 'Số điện thoại này đã có lịch hẹn cho lĩnh vực này trong ngày đó.',
      booking_throttled: 'Quá nhiều lượt đặt từ mạng này. Vui lòng thử lại sau.', not_bookable: 'Lĩnh vực này không nhận đặt lịch.',
      foot: 'Không cần đăng ký tài khoản. Mỗi lịch hẹn cho một người một thủ tục.',
      wd: ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7']
    },
    en: {
      title: 'Book a time', lang: 'Tiếng Việt', field: '1. Field', day: '2. Day', time: '3. Time',
      phone: '4. Mobile number', left: '{n} left', full: 'full',
      phone_note: 'Your number only limits how many bookings one phone makes; the office keeps its last 4 digits and a hash.',
      book: 'Book', none: 'This office takes no online bookings yet.', no_days: 'No free time is left to book.',
      done: 'Booked', your_code: 'Your booking code', keep: 'Take a screenshot or write this code down.',
      at_kiosk: 'Come between {e} minutes before and {l} minutes after your time, choose “I have a booking” at the kiosk and scan this code for your number.',
      when: '{f} – {t} on {d}', phone_end: 'Phone: •••• {p}',
      cancel: 'Cancel the booking', cancelled: 'The booking is cancelled. Its place is free again.', checked_in: 'You have taken your number for this booking.',
      missed: 'This booking’s time has passed.', unknown: 'No booking has this code.', again: 'Book another time',
      confirm_cancel: 'Cancel this booking?', failed: 'The office could not be reached. Please try again.',
      bad_phone: 'A mobile number has 10 digits and starts with 0.', slot_full: 'That time has just filled up. Choose another.',
      slot_past: 'That time has passed. Choose another.', no_such_slot: 'That time takes no bookings.',
      phone_limit: 'This phone already holds its bookings.', phone_day_limit: 'This phone already holds its bookings that day.',
      phone_field_limit: 'This phone already holds a booking in this field that day.',
      booking_throttled: 'Too many bookings from this network. Please try later.', not_bookable: 'This field takes no bookings.',
      foot: 'No account needed. One booking is for one person and one procedure.',
      wd: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
    }
  };
  var $ = function (id) { return document.getElementById(id); };
  var parts = location.pathname.split('/').filter(Boolean);
  var site = parts[0] === 's' ? parts[1] : null;
  var code = parts[parts.length - 2] === 'book' ? decodeURIComponent(parts[parts.length - 1]) : null;
  var base = site ? '/s/' + encodeURIComponent(site) + '/book' : '/book';
  var q = site ? '?site=' + encodeURIComponent(site) : '';
  var lang = 'vi', options = null, choice = { field: null, day: null, time: null }, error = '', booking = null;
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
  function dmy(d) { var p = d.split('-'); return p[2] + '/' + p[1] + '/' + p[0]; }
  function wd(d) { var p = d.split('-'); return S[lang].wd[new Date(+p[0], +p[1] - 1, +p[2]).getDay()]; }
  function api(method, path, body) {
    return fetch(path, {
      method: method, cache: 'no-store',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
    });
  }
  function choices(items, selected, pick) {
    var box = el('div', 'choices');
    items.forEach(function (it) {
      var b = el('button', null, it.label);
      b.type = 'button';
      b.setAttribute('aria-pressed', String(it.value === selected));
      if (it.sub) b.appendChild(el('small', null, it.sub));
      b.disabled = !!it.disabled;
      b.addEventListener('click', function () { pick(it.value); });
      box.appendChild(b);
    });
    return box;
  }

  function render() {
    document.documentElement.lang = lang;
    $('lang').textContent = t('lang');
    $('lang').lang = lang === 'vi' ? 'en' : 'vi';
    $('foot').textContent = t('foot');
    var main = $('main');
    main.textContent = '';
    main.appendChild(el('h1', null, t('title')));
    if (booking) { renderBooking(main); return; }
    if (code) { main.appendChild(el('p', 'note', error || t('unknown'))); return; }
    if (!options) { if (error) main.appendChild(el('p', 'note', error)); return; }
    $('office').textContent = options.office;
    main.appendChild(el('h2', null, t('field')));
    var list = choices(options.fields.map(function (f) {
      return { label: lang === 'en' ? f.name_en : f.name_vi, value: f.code };
    }), choice.field, function (v) { choice = { field: v, day: null, time: null }; error = ''; render(); });
    list.className = 'choices list';
    main.appendChild(list);
    var field = options.fields.filter(function (f) { return f.code === choice.field; })[0];
    if (!field) return;
    var days = options.days.filter(function (d) { return d.queue === field.queue; });
    if (!days.length) { main.appendChild(el('p', 'note', t('no_days'))); return; }
    main.appendChild(el('h2', null, t('day')));
    main.appendChild(choices(days.map(function (d) {
      var free = d.slots.some(function (s) { return s.left > 0; });
      return { label: wd(d.day) + ' ' + dmy(d.day).slice(0, 5), value: d.day, disabled: !free, sub: free ? null : t('full') };
    }), choice.day, function (v) { choice.day = v; choice.time = null; error = ''; render(); }));
    var day = days.filter(function (d) { return d.day === choice.day; })[0];
    if (!day) return;
    main.appendChild(el('h2', null, t('time')));
    main.appendChild(choices(day.slots.map(function (s) {
      return { label: s.time, value: s.time, disabled: s.left === 0, sub: s.left ? t('left', { n: s.left }) : t('full') };
    }), choice.time, function (v) { choice.time = v; error = ''; render(); }));
    if (!choice.time) return;
    main.appendChild(el('h2', null, t('phone')));
    var phone = el('input');
    phone.type = 'tel'; phone.id = 'phone'; phone.autocomplete = 'tel'; phone.inputMode = 'tel'; phone.maxLength = 20;
    phone.placeholder = '09xx xxx xxx';
    phone.value = choice.phone || '';
    phone.addEventListener('input', function () { choice.phone = phone.value; });
    main.appendChild(phone);
    main.appendChild(el('p', 'small', t('phone_note')));
    if (error) main.appendChild(el('p', 'err', error));
    var go = el('button', 'primary', t('book'));
    go.type = 'button'; go.id = 'book';
    go.addEventListener('click', function () {
      go.disabled = true;
      api('POST', '/api/v1/bookings' + q, { field: choice.field, day: choice.day, time: choice.time, phone: choice.phone || '' }).then(function (r) {
        if (r.status === 201) { booking = r.body; history.replaceState(null, '', base + '/' + r.body.code); render(); window.scrollTo(0, 0); return; }
        error = S[lang][r.body.code] || r.body.error || t('failed');
        if (r.body.code === 'slot_full' || r.body.code === 'slot_past') { choice.time = null; load(); }
        render();
      }, function () { error = t('failed'); render(); });
    });
    main.appendChild(go);
  }

  function renderBooking(main) {
    var b = booking;
    $('office').textContent = b.office;
    var card = el('div', 'card');
    card.appendChild(el('p', b.state === 'booked' ? 'ok' : null, b.state === 'booked' ? t('done') : t(b.state)));
    card.appendChild(el('p', 'small', t('your_code')));
    card.appendChild(el('p', 'code', b.code));
    if (b.state === 'booked') {
      var img = el('img');
      img.alt = 'QR ' + b.code;
      img.src = '/api/v1/bookings/' + encodeURIComponent(b.code) + '/qr.svg';
      card.appendChild(img);
    }
    card.appendChild(el('p', null, t('when', { f: lang === 'en' ? b.field_en : b.field_vi, t: b.time, d: wd(b.day) + ' ' + dmy(b.day) })));
    card.appendChild(el('p', 'small', t('phone_end', { p: b.phone_last4 })));
    main.appendChild(card);
    if (b.state === 'booked') {
      main.appendChild(el('p', 'small', t('keep')));
      main.appendChild(el('p', 'note', t('at_kiosk', { e: options ? options.early_minutes : 10, l: options ? options.late_minutes : 15 })));
      var cancel = el('button', 'danger', t('cancel'));
      cancel.type = 'button'; cancel.id = 'cancel';
      cancel.addEventListener('click', function () {
        if (!window.confirm(t('confirm_cancel'))) return;
        api('POST', '/api/v1/bookings/' + encodeURIComponent(b.code) + '/cancel').then(function (r) {
          if (r.status === 200) booking = r.body; else error = S[lang][r.body.code] || t('failed');
          render();
        }, function () { error = t('failed'); render(); });
      });
      main.appendChild(cancel);
    }
    var again = el('button', 'primary', t('again'));
    again.type = 'button';
    again.addEventListener('click', function () { location.href = base; });
    main.appendChild(again);
  }

  function load() {
    api('GET', '/api/v1/booking/options' + q).then(function (r) {
      if (r.status === 200) options = r.body; else error = r.body.code === 'not_bookable' ? t('none') : (r.body.error || t('failed'));
      render();
    }, function () { error = t('failed'); render(); });
  }
  $('lang').addEventListener('click', function () {
    lang = lang === 'vi' ? 'en' : 'vi';
    try { localStorage.setItem('motcua.lang', lang); } catch (e) { /* private mode */ }
    render();
  });
  if (code) {
    api('GET', '/api/v1/bookings/' + encodeURIComponent(code)).then(function (r) {
      if (r.status === 200) booking = r.body; else error = S[lang][r.body.code] || t('unknown');
      render();
    }, function () { error = t('failed'); render(); });
  }
  load();
  render();
})();
