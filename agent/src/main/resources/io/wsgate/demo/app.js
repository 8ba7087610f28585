'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const timeOf = (date) => date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const ms = (value) => (value < 10 ? value.toFixed(1) : Math.round(value)) + ' ms';

  // Start time: the server writes an ISO instant; show it in the reader's own time zone.
  const started = $('started-at');
  const startedDate = new Date(started.dateTime);
  if (!isNaN(startedDate)) started.textContent = startedDate.toLocaleString();

  function check(id, ok) {
    $(id).classList.toggle('ok', ok);
    $(id).classList.toggle('bad', !ok);
  }

  // ---- WebSocket echo -------------------------------------------------------------------------
  const status = $('ws-status'), input = $('ws-input'), send = $('ws-send'), log = $('ws-log');
  const mirror = $('ws-mirror'), mirrorRtt = $('ws-mirror-rtt');
  const MAX_LOG = 50;
  let socket = null, seq = 0, retryMs = 500;

  function setStatus(state) {
    status.textContent = state;
    status.dataset.state = state;
    send.disabled = state !== 'connected';
    check('check-ws', state === 'connected');
  }

  function connect() {
    setStatus('connecting');
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/ws/echo');
    socket = ws;
    ws.onopen = () => { retryMs = 500; setStatus('connected'); };
    ws.onmessage = (event) => onEcho(event.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      setStatus('disconnected');
      // Back off so that a stopped workspace is not hammered; the gateway may be restarting it.
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    };
  }

  function transmit(kind, text) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify({ kind, seq: ++seq, sentAt: performance.now(), text }));
    return true;
  }

  function onEcho(data) {
    let msg;
    try { msg = JSON.parse(data); } catch (e) { return; }
    const rtt = performance.now() - msg.sentAt;
    if (msg.kind === 'key') {
      mirror.textContent = msg.text || 'type to see each keystroke echoed';
      mirror.classList.toggle('muted', !msg.text);
      mirrorRtt.textContent = msg.text ? ms(rtt) : '';
      return;
    }
    const li = document.createElement('li');
    li.dataset.rttMs = rtt.toFixed(2);
    const dir = document.createElement('span');
    dir.className = 'dir';
    dir.textContent = '←';
    const text = document.createElement('span');
    text.className = 'msg';
    text.textContent = msg.text;
    const took = document.createElement('span');
    took.className = 'rtt';
    took.textContent = ms(rtt);
    li.append(dir, text, took);
    log.append(li);
    while (log.children.length > MAX_LOG) log.firstElementChild.remove();
    log.scrollTop = log.scrollHeight;
  }

  input.addEventListener('input', () => transmit('key', input.value));
  $('ws-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value && transmit('msg', input.value)) {
      input.value = '';
      transmit('key', '');
    }
    input.focus();
  });
  connect();

  // ---- Note -----------------------------------------------------------------------------------
  const note = $('note'), save = $('note-save'), noteStatus = $('note-status'), size = $('note-size');
  const maxBytes = Number(note.dataset.maxBytes);
  const encoder = new TextEncoder();

  function setNoteStatus(state, text) {
    noteStatus.dataset.state = state;
    noteStatus.textContent = text;
  }

  function showSize() {
    const bytes = encoder.encode(note.value).length;
    size.textContent = bytes.toLocaleString() + ' B of ' + Math.round(maxBytes / 1024) + ' KiB';
    return bytes;
  }

  async function loadNote() {
    try {
      const res = await fetch('/api/note', { cache: 'no-store' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      note.value = await res.text();
      note.dataset.state = 'loaded';
      note.disabled = save.disabled = false;
      showSize();
      setNoteStatus('loaded', note.value ? 'loaded from disk' : 'no note saved yet');
      check('check-note', true);
    } catch (e) {
      note.dataset.state = 'error';
      setNoteStatus('error', 'could not load: ' + e.message);
      check('check-note', false);
    }
  }

  async function saveNote() {
    if (showSize() > maxBytes) {
      setNoteStatus('error', 'too large: at most ' + Math.round(maxBytes / 1024) + ' KiB');
      return;
    }
    save.disabled = true;
    setNoteStatus('saving', 'saving…');
    try {
      const res = await fetch('/api/note', {
        method: 'PUT', body: note.value, headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      });
      if (res.status === 413) throw new Error('too large: at most ' + Math.round(maxBytes / 1024) + ' KiB');
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const body = await res.json();
      setNoteStatus('saved', 'saved at ' + timeOf(new Date(body.savedAt)));
      check('check-note', true);
    } catch (e) {
      setNoteStatus('error', 'not saved: ' + e.message);
    } finally {
      save.disabled = false;
    }
  }

  note.addEventListener('input', () => {
    showSize();
    setNoteStatus('dirty', 'unsaved changes');
  });
  note.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 's') {
      event.preventDefault();
      saveNote();
    }
  });
  save.addEventListener('click', saveNote);
  loadNote();
})();
