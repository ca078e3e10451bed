'use strict';
// The player: WebRTC first; the same encoded frames over the page's WebSocket, decoded with WebCodecs (or, where
// WebCodecs is missing or ?decoder=mse asks for it, written as fragmented MP4 into Media Source Extensions), when
// WebRTC does not connect in time (or ?transport=ws asks for it); the server's figures once a second beside the video.
// window.backpackPlayer.stats() says what it does, for tests and for people debugging.
(() => {
  const name = decodeURIComponent(location.pathname.slice('/view/'.length));
  const params = new URLSearchParams(location.search);
  const forced = params.get('transport');
  const $ = id => document.getElementById(id);
  const video = $('video');
  const canvas = $('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: false });
  const notice = $('notice');
  $('name').textContent = name;
  document.title = `${name} · Backpack live view`;

  const state = { transport: 'none', decoder: null, jitterBufferMs: null, decodeMs: null, framesDecoded: 0, width: 0, height: 0, connected: false, latencyMs: null, fallbackReason: null, lastError: null };
  const wantsMse = params.get('decoder') === 'mse';
  let mse = null;
  let socket = null;
  let peer = null;
  let fallbackTimer = 0;
  let decoder = null;
  let awaitingKeyFrame = true;
  let frameCodes = null;
  let webRtcFrames = 0;
  let reconnectDelay = 1000;

  function say(text) { notice.textContent = text; notice.hidden = !text; }
  function send(message) { if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message)); }
  function showTransport() {
    const badge = $('transport');
    badge.textContent = state.transport === 'webrtc' ? 'WebRTC' : state.transport === 'ws' ? 'WebSocket' : 'connecting';
    badge.className = `badge ${state.transport}`;
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}/ws/${encodeURIComponent(name)}`);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => { reconnectDelay = 1000; };
    socket.onmessage = event => {
      if (typeof event.data === 'string') {
        onMessage(JSON.parse(event.data)).catch(error => fail(error));
      } else {
        onFrame(event.data);
      }
    };
    socket.onclose = () => {
      closePeer();
      closeDecoder();
      state.connected = false;
      state.transport = 'none';
      state.decoder = null;
      showTransport();
      say(`Disconnected; trying again in ${Math.round(reconnectDelay / 1000)} s…`);
      setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 15000);
    };
  }

  function fail(error) {
    state.lastError = String(error && error.message || error);
    console.warn('backpack player:', state.lastError);
    if (state.transport === 'webrtc' && !state.connected) fallBack(`WebRTC failed: ${state.lastError}`);
  }

  async function onMessage(message) {
    switch (message.type) {
      case 'welcome':
        if (message.webrtc && forced !== 'ws' && 'RTCPeerConnection' in window) startWebRtc(message);
        else startWebSocket(message.webrtc ? 'asked for' : 'WebRTC is off on the server');
        break;
      case 'offer': {
        if (!peer) return;
        await peer.setRemoteDescription({ type: 'offer', sdp: message.sdp });
        const answer = await peer.createAnswer();
        await peer.setLocalDescription(answer);
        send({ type: 'answer', sdp: peer.localDescription.sdp });
        break;
      }
      case 'candidate':
        if (peer && message.candidate) await peer.addIceCandidate({ candidate: message.candidate, sdpMLineIndex: message.sdpMLineIndex });
        break;
      case 'config':
        configureDecoder(message);
        break;
      case 'stats':
        showFigures(message);
        break;
      case 'error':
        fail(message.message);
        break;
    }
  }

  // ---- WebRTC -----------------------------------------------------------------------------------------
  function startWebRtc(welcome) {
    state.transport = 'webrtc';
    showTransport();
    say('Connecting over WebRTC…');
    peer = new RTCPeerConnection({ iceServers: welcome.iceServers.map(url => ({ urls: url })) });
    peer.ontrack = event => {
      video.srcObject = event.streams[0] || new MediaStream([event.track]);
      video.play().catch(() => {});
    };
    peer.onicecandidate = event => send({ type: 'candidate', candidate: event.candidate ? event.candidate.candidate : '', sdpMLineIndex: event.candidate ? event.candidate.sdpMLineIndex : 0 });
    peer.onconnectionstatechange = () => {
      if (!peer) return;
      if (peer.connectionState === 'connected') {
        clearTimeout(fallbackTimer);
        state.connected = true;
        canvas.classList.remove('active');
        video.classList.add('active');
        say('');
      } else if (peer.connectionState === 'failed') {
        fallBack('WebRTC failed to connect');
      } else if (peer.connectionState === 'disconnected') {
        state.connected = false;
        say('WebRTC interrupted…');
      }
    };
    fallbackTimer = setTimeout(() => {
      if (peer && peer.connectionState !== 'connected') fallBack(`WebRTC did not connect within ${welcome.webrtcTimeoutMs / 1000} s`);
    }, welcome.webrtcTimeoutMs);
    send({ type: 'start', transport: 'webrtc' });
    watchVideo();
  }

  // One chain of video-frame callbacks for the page's life: each frame shown re-registers it.
  let videoWatched = false;
  function watchVideo() {
    if (!videoWatched && 'requestVideoFrameCallback' in video) {
      videoWatched = true;
      video.requestVideoFrameCallback(onVideoFrame);
    }
  }

  function onVideoFrame(now, metadata) {
    if (state.transport === 'webrtc' || state.decoder === 'mse') {
      webRtcFrames++;
      state.width = metadata.width;
      state.height = metadata.height;
      if (state.decoder === 'mse' && !state.connected) { state.connected = true; say(''); }
      if (frameCodes) recordCode(readCode(video, metadata.width, metadata.height));
    }
    video.requestVideoFrameCallback(onVideoFrame);
  }

  async function pollWebRtcStats() {
    if (!peer) return;
    const report = await peer.getStats();
    report.forEach(entry => {
      if (entry.type === 'inbound-rtp' && entry.kind === 'video') {
        state.framesDecoded = entry.framesDecoded || 0;
        if (entry.jitterBufferEmittedCount) state.jitterBufferMs = 1000 * entry.jitterBufferDelay / entry.jitterBufferEmittedCount;
        if (entry.framesDecoded) state.decodeMs = 1000 * entry.totalDecodeTime / entry.framesDecoded;
        if (entry.frameWidth) { state.width = entry.frameWidth; state.height = entry.frameHeight; }
      }
    });
  }

  function closePeer() {
    clearTimeout(fallbackTimer);
    if (peer) { peer.close(); peer = null; }
    video.srcObject = null;
    video.classList.remove('active');
  }

  function fallBack(reason) {
    if (state.transport === 'ws') return;
    state.fallbackReason = reason;
    closePeer();
    startWebSocket(reason);
  }

  // ---- WebSocket fallback: WebCodecs --------------------------------------------------------------------
  function startWebSocket(reason) {
    state.transport = 'ws';
    state.connected = false;
    state.framesDecoded = 0;
    showTransport();
    const webCodecs = 'VideoDecoder' in window && !wantsMse;
    if (!webCodecs && !('MediaSource' in window)) {
      say('This browser has neither a working WebRTC nor WebCodecs nor Media Source Extensions: open the page in a current Chromium, Chrome, Edge, Firefox or Safari.');
      return;
    }
    state.decoder = webCodecs ? 'webcodecs' : 'mse';
    say(`Video over the WebSocket (${reason})…`);
    send({ type: 'start', transport: 'ws' });
  }

  function configureDecoder(config) {
    closeDecoder();
    if (state.decoder === 'mse') { configureMse(config); return; }
    decoder = new VideoDecoder({ output: drawFrame, error: error => { fail(error); awaitingKeyFrame = true; } });
    decoder.configure({
      codec: config.codec,
      codedWidth: config.width,
      codedHeight: config.height,
      description: Uint8Array.from(atob(config.description), c => c.charCodeAt(0)),
      optimizeForLatency: true,
    });
    canvas.width = config.width;
    canvas.height = config.height;
    awaitingKeyFrame = true;
  }

  function closeDecoder() {
    if (decoder && decoder.state !== 'closed') decoder.close();
    decoder = null;
    canvas.classList.remove('active');
    if (mse) {
      URL.revokeObjectURL(video.src);
      video.removeAttribute('src');
      video.load();
      mse = null;
    }
  }

  // ---- WebSocket fallback: fragmented MP4 into Media Source Extensions --------------------------------------
  function configureMse(config) {
    const source = new MediaSource();
    mse = { source, buffer: null, queue: [BackpackMp4.init(config.width, config.height, Uint8Array.from(atob(config.description), c => c.charCodeAt(0)))],
      sequence: 0, firstTimestamp: null, duration: Math.round(BackpackMp4.TIMESCALE / config.fps), codec: config.codec };
    const current = mse;
    source.addEventListener('sourceopen', () => {
      if (mse !== current) return;
      current.buffer = source.addSourceBuffer(`video/mp4; codecs="${config.codec}"`);
      current.buffer.addEventListener('updateend', () => { keepLive(current); pump(current); });
      pump(current);
    }, { once: true });
    video.src = URL.createObjectURL(source);
    video.classList.add('active');
    video.play().catch(() => {});
    watchVideo();
    awaitingKeyFrame = true;
  }

  function pump(current) {
    const buffer = current.buffer;
    if (!buffer || buffer.updating || current.queue.length === 0) return;
    const size = current.queue.reduce((n, part) => n + part.length, 0);
    const joined = new Uint8Array(size);
    let at = 0;
    for (const part of current.queue) { joined.set(part, at); at += part.length; }
    current.queue = [];
    try { buffer.appendBuffer(joined); } catch (error) { fail(error); }
  }

  // Live, not smooth: stay within a few frames of what was received, and let old media go.
  function keepLive(current) {
    const ranges = current.buffer.buffered;
    if (ranges.length === 0) return;
    const end = ranges.end(ranges.length - 1);
    if (end - video.currentTime > 0.3) video.currentTime = end - 0.03;
    if (video.currentTime - ranges.start(0) > 10 && !current.buffer.updating) current.buffer.remove(0, video.currentTime - 5);
  }

  function onMseFrame(key, timestamp, data) {
    const current = mse;
    if (current.firstTimestamp === null) current.firstTimestamp = timestamp;
    const decodeTime = Math.max(0, Math.round((timestamp - current.firstTimestamp) * BackpackMp4.TIMESCALE / 1e6));
    current.queue.push(BackpackMp4.fragment(++current.sequence, decodeTime, current.duration, key, data));
    state.latencyMs = Date.now() - timestamp / 1000;
    pump(current);
  }

  function onFrame(buffer) {
    if (mse) {
      const view = new DataView(buffer);
      const key = (view.getUint8(0) & 1) === 1;
      if (awaitingKeyFrame && !key) return;
      awaitingKeyFrame = false;
      onMseFrame(key, Number(view.getBigInt64(1)), new Uint8Array(buffer, 9));
      return;
    }
    if (!decoder || decoder.state !== 'configured') return;
    const view = new DataView(buffer);
    const key = (view.getUint8(0) & 1) === 1;
    if (awaitingKeyFrame && !key) return;
    if (decoder.decodeQueueSize > 30) { awaitingKeyFrame = true; return; }  // behind: catch up at the next key frame
    awaitingKeyFrame = false;
    decoder.decode(new EncodedVideoChunk({ type: key ? 'key' : 'delta', timestamp: Number(view.getBigInt64(1)), data: new Uint8Array(buffer, 9) }));
  }

  function drawFrame(frame) {
    context.drawImage(frame, 0, 0, canvas.width, canvas.height);
    state.framesDecoded++;
    state.width = frame.displayWidth;
    state.height = frame.displayHeight;
    state.latencyMs = Date.now() - frame.timestamp / 1000;
    if (!state.connected) {
      state.connected = true;
      video.classList.remove('active');
      canvas.classList.add('active');
      say('');
    }
    if (frameCodes) recordCode(readCode(canvas, canvas.width, canvas.height));
    frame.close();
  }

  // ---- frame codes: a frame's number drawn by the app as 16 black or white squares, read back for latency --------
  let probe = null;
  function readCode(source, width, height) {
    const side = Math.max(8, Math.floor(height / 20));
    if (!probe) probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    probe.canvas.width = side * 16;
    probe.canvas.height = 1;
    probe.drawImage(source, 0, Math.floor(side / 2), side * 16, 1, 0, 0, side * 16, 1);
    const row = probe.getImageData(0, 0, side * 16, 1).data;
    let code = 0;
    for (let bit = 0; bit < 16; bit++) {
      const at = (bit * side + Math.floor(side / 2)) * 4;
      code = (code << 1) | ((row[at] + row[at + 1] + row[at + 2]) / 3 > 127 ? 1 : 0);
    }
    return code;
  }
  function recordCode(code) {
    frameCodes.push({ code, at: performance.timeOrigin + performance.now() });
    if (frameCodes.length > 10000) frameCodes.shift();
  }

  // ---- figures ----------------------------------------------------------------------------------------
  const history = [];
  function showFigures(figures) {
    $('state').textContent = figures.state;
    $('state').className = `state ${figures.state}`;
    $('fps-in').textContent = `${figures.fpsIn.toFixed(1)} fps`;
    $('fps-out').textContent = `${figures.fpsOut.toFixed(1)} fps`;
    $('dropped').textContent = figures.framesDropped;
    $('skipped').textContent = figures.framesSkipped;
    $('repeated').textContent = figures.framesRepeated;
    $('viewers').textContent = `${figures.viewers} (${figures.viewersWebRtc} WebRTC, ${figures.viewersWs} WS)`;
    $('decoded').textContent = state.framesDecoded;
    $('latency').textContent = state.latencyMs === null ? '–' : `${Math.round(state.latencyMs)} ms`;
    const error = $('last-error');
    error.hidden = !figures.lastError;
    error.textContent = figures.lastError || '';
    const tachometers = $('tachometers').tBodies[0];
    tachometers.replaceChildren(...figures.tachometers.map(t => row([t.name, `${t.meanMs.toFixed(2)} ms`, `${t.maxMs.toFixed(2)} ms`])));
    const outputs = $('outputs').tBodies[0];
    outputs.replaceChildren(...figures.outputs.flatMap(o => {
      const rows = [row([o.kind === o.name ? o.name : `${o.name} (${o.kind})`, o.state, o.framesWritten, o.framesDropped])];
      // An output's own figures (a Kinesis output's fragments persisted and buffered bytes, a WebRTC output's peers).
      const extras = Object.entries(o.extras).map(([k, v]) => `${k.replaceAll('_', ' ')} ${Number.isInteger(v) ? v : v.toFixed(1)}`).join(' · ');
      const detail = [extras, o.lastError ? `last error: ${o.lastError}` : ''].filter(Boolean).join(' — ');
      if (detail) {
        const extra = document.createElement('tr');
        extra.className = 'extras';
        const td = document.createElement('td');
        td.colSpan = 4;
        td.textContent = detail;
        extra.append(td);
        rows.push(extra);
      }
      return rows;
    }));
    const processing = figures.tachometers.length ? figures.tachometers[0].meanMs : 0;
    history.push({ fps: figures.fpsOut, ms: processing });
    if (history.length > 60) history.shift();
    drawChart();
    window.backpackPlayer.lastFigures = figures;
  }
  function row(values) {
    const tr = document.createElement('tr');
    for (const value of values) { const td = document.createElement('td'); td.textContent = value; tr.append(td); }
    return tr;
  }
  function drawChart() {
    const chart = $('chart');
    const ctx = chart.getContext('2d');
    const w = chart.width, h = chart.height;
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = '#2a333c';
    for (let y = 0; y <= 4; y++) { ctx.beginPath(); ctx.moveTo(0, (h - 1) * y / 4 + .5); ctx.lineTo(w, (h - 1) * y / 4 + .5); ctx.stroke(); }
    const line = (key, color) => {
      const top = Math.max(1, ...history.map(p => p[key])) * 1.2;
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      history.forEach((p, i) => {
        const x = w - (history.length - 1 - i) * (w / 59);
        const y = h - 2 - (p[key] / top) * (h - 4);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
      ctx.fillStyle = color;
      ctx.font = '10px system-ui';
      ctx.fillText(`${(top / 1.2).toFixed(key === 'fps' ? 0 : 1)}${key === 'fps' ? ' fps' : ' ms'}`, key === 'fps' ? 4 : w - 48, 11);
    };
    line('fps', getComputedStyle(document.documentElement).getPropertyValue('--accent'));
    line('ms', getComputedStyle(document.documentElement).getPropertyValue('--warn'));
  }

  setInterval(() => {
    if (state.transport === 'webrtc') pollWebRtcStats().catch(() => {});
    if (state.decoder === 'mse' && video.getVideoPlaybackQuality) state.framesDecoded = video.getVideoPlaybackQuality().totalVideoFrames;
    $('size').textContent = state.width ? `${state.width}×${state.height}` : '';
  }, 500);

  window.backpackPlayer = {
    /** What the player does now: { transport: 'webrtc' | 'ws' | 'none', decoder: 'webcodecs' | 'mse' | null (ws only), framesDecoded, width, height, connected, latencyMs, fallbackReason, lastError }. */
    stats: () => ({ ...state, framesPresented: webRtcFrames, connectionState: peer ? peer.connectionState : null }),
    /** Starts (or stops) reading the frame code of every decoded frame: { code, at } with at in ms since 1970. */
    watchFrameCodes: on => { frameCodes = on ? [] : null; },
    /** The frame codes read since the last call. */
    takeFrameCodes: () => { const codes = frameCodes || []; if (frameCodes) frameCodes = []; return codes; },
    lastFigures: null,
  };

  connect();
})();
