'use strict';
// The stream list: /api/streams, read every two seconds.
(() => {
  const body = document.querySelector('#streams tbody');
  const viewers = document.getElementById('viewers');

  function cell(text, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function render(list) {
    viewers.textContent = `${list.viewers} of ${list.maxViewers} viewers`;
    document.getElementById('logout').hidden = !list.login;
    body.replaceChildren();
    if (list.streams.length === 0) {
      const row = document.createElement('tr');
      row.append(cell('No stream is shown yet.', 'empty'));
      row.firstChild.colSpan = 6;
      body.append(row);
      return;
    }
    for (const stream of list.streams) {
      const row = document.createElement('tr');
      row.dataset.stream = stream.name;
      const name = document.createElement('td');
      const link = document.createElement('a');
      link.href = `/view/${encodeURIComponent(stream.name)}`;
      link.textContent = stream.name;
      name.append(link);
      const state = document.createElement('td');
      const badge = document.createElement('span');
      badge.className = `state ${stream.state}`;
      badge.textContent = stream.state;
      state.append(badge);
      row.append(name, state,
        cell(stream.width ? `${stream.width}×${stream.height}` : '–'),
        cell(stream.fps ? `${stream.fps} fps` : '–'),
        cell(String(stream.viewers)),
        cell(stream.lastError ?? '', 'error'));
      body.append(row);
    }
  }

  async function refresh() {
    try {
      const response = await fetch('/api/streams', { cache: 'no-store' });
      if (response.status === 401) { location.href = '/login?return=/'; return; }
      render(await response.json());
    } catch (error) {
      viewers.textContent = `The server does not answer (${error.message}); retrying.`;
    }
  }

  refresh();
  setInterval(refresh, 2000);
})();
