/* player.js: plays a socklab recording in a browser. `socklab export FILE
 * --format html` embeds this file, player.css and the recording's rows (the
 * timeline's rows as the terminal lab draws them, with their explanations in
 * both languages) as JSON in #socklab-data. This script only shows them: it
 * derives nothing from packets or calls: a row's details (d) are the frame's
 * layers, fields and bytes as export_web.c wrote them from dissect.c's
 * table, in both languages; this draws them and dissects nothing. Everything
 * from the recording goes
 * on the page as textContent, never as markup. Plain DOM, no framework, no
 * network. */
(function () {
	'use strict';

	if (window.performance && performance.mark)
		performance.mark('socklab-start');
	var data = JSON.parse(document.getElementById('socklab-data').textContent);
	var STR = data.strings, ROWS = data.rows, STATES = data.states, CONNS = data.conns, FRAMES = data.frames || [];
	/* the fields of a row (export_web.c's html_row) */
	var T = 0, CONN = 1, DIR = 3, LT = 4, LA = 5, MT = 6, MA = 7, RT = 8, RA = 9, CS = 10, SS = 11, X0 = 12, X1 = 13;
	/* a row's frame: an index into FRAMES, or why it has none (export_web.c
	 * page_frame: -1 none belongs to it, -2 none was kept, -3 past the page's budget) */
	var FRAME = 14;
	/* enum cell_attr (ui/grid.h) -> class */
	var ATTR = ['', 'header', 'call', 'ret', 'err', 'state', 'c2s', 's2c', 'dim'];
	var SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16];
	var ROW_H = 34, MIN_STEP_MS = 100, MAX_GAP_MS = 1500;

	var WORDS = {
		en: {
			client: 'CLIENT', server: 'SERVER', all: 'all connections', conn: 'connection #',
			time: 'time s', search: 'search  ( / )', play: '▶ play', pause: '❚❚ pause', speed: 'speed',
			row: 'row', of: 'of', none: 'no rows', nomatch: 'no match for', found: 'match',
			states: 'states at this row', help: 'keys', close: 'Esc closes', other: '中文',
			dropped: 'rows dropped from the front of this recording:',
			skipped: 'packets of other connections not listed:',
			details: 'details', dtitle: 'details  Tab/←→ layer  click a field or a byte  Esc close',
			over: 'this page keeps the layers and bytes of its first 4096 frames (8 MiB at most); this row\'s frame is past them',
			nodetails: 'a call has no frame: its details are its record (the explanation)',
			keys: [['d', 'details: the layers and bytes of the row\'s frame'], ['Tab  ←  →', 'details: next / previous layer'],
				['j  ↓', 'next row'], ['k  ↑', 'previous row'], ['g  G', 'first / last row'],
				['PgDn  PgUp', 'a page down / up'], ['Tab  Shift+Tab', 'next / previous connection'],
				['a', 'all connections'], ['/', 'search (Enter finds)'], ['n  N', 'next / previous match'],
				['space', 'play / pause'], ['+  -', 'faster / slower'], ['L', 'English / 中文'],
				['?', 'this help'], ['Esc', 'close']]
		},
		zh: {
			client: '客户端', server: '服务器', all: '所有连接', conn: '连接 #',
			time: '时间 秒', search: '搜索  ( / )', play: '▶ 播放', pause: '❚❚ 暂停', speed: '速度',
			row: '第', of: '行，共', none: '没有行', nomatch: '没有找到', found: '匹配',
			states: '此行时的状态', help: '按键', close: 'Esc 关闭', other: 'English',
			dropped: '这段录制开头丢掉的行数：',
			skipped: '未列出的其他连接的报文段：',
			details: '详情', dtitle: '详情  Tab/←→ 切换层  点击字段或字节  Esc 关闭',
			over: '本页只保存前 4096 个帧（至多 8 MiB）的各层和字节；这一行的帧在此之后',
			nodetails: '调用没有帧：它的详情就是它的记录（见解释）',
			keys: [['d', '详情：这一行的帧的各层和字节'], ['Tab  ←  →', '详情：下一层 / 上一层'],
				['j  ↓', '下一行'], ['k  ↑', '上一行'], ['g  G', '第一行 / 最后一行'],
				['PgDn  PgUp', '下翻 / 上翻一页'], ['Tab  Shift+Tab', '下一个 / 上一个连接'],
				['a', '所有连接'], ['/', '搜索（回车查找）'], ['n  N', '下一个 / 上一个匹配'],
				['空格', '播放 / 暂停'], ['+  -', '加快 / 减慢'], ['L', 'English / 中文'],
				['?', '本帮助'], ['Esc', '关闭']]
		}
	};

	var st = {
		lang: WORDS[data.lang] ? data.lang : 'en',
		/* export --conn N, else the only connection, else all of them */
		conn: data.conn && connById(data.conn) ? data.conn : CONNS.length === 1 ? CONNS[0].id : 0,
		view: [],        /* row indexes of the connection shown */
		sel: 0,          /* index into view */
		untied: null,    /* conn view: row index -> [client state, server state] */
		query: '',
		playing: false,
		timer: 0,
		speed: 2,       /* index into SPEEDS */
		details: false, /* the details pane (d) is open */
		layer: 0,       /* its selected layer */
		field: null     /* [off, len] of the field clicked, highlighted in the bytes */
	};

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}
	function w(key) { return WORDS[st.lang][key]; }
	function str(id) { return id >= 0 ? STR[id] : ''; }
	function connById(id) {
		for (var i = 0; i < CONNS.length; i++)
			if (CONNS[i].id === id)
				return CONNS[i];
		return null;
	}

	/* ---- the page ---- */
	var app = el('div'), bar = el('header'), title = el('h1'), connSel = el('select'), search = el('input');
	var playBtn = el('button'), speedSel = el('select'), langBtn = el('button'), helpBtn = el('button', '', '?');
	var detBtn = el('button'), details = el('section'), dTitle = el('div'), dHead = el('div'), dTree = el('div');
	var dBytes = el('div'), dHex = el('div');
	var heads = el('div'), cHead = el('div', 'lane-head'), mHead = el('div', 'mid-head'), sHead = el('div', 'lane-head');
	var cName = el('span', 'name'), cEp = el('span', 'ep'), cState = el('span', 'state');
	var sName = el('span', 'name'), sEp = el('span', 'ep'), sState = el('span', 'state');
	var ladder = el('div'), spacer = el('div'), explain = el('section'), where = el('div'), text = el('div');
	var status = el('div'), help = el('div'), helpBox = el('div', 'box');

	app.id = 'app'; bar.id = 'bar'; title.id = 'title'; connSel.id = 'conn'; search.id = 'search';
	playBtn.id = 'play'; speedSel.id = 'speed'; langBtn.id = 'lang'; helpBtn.id = 'help-btn';
	detBtn.id = 'details-btn'; details.id = 'details'; dTitle.id = 'dtitle'; dHead.id = 'dhead';
	dTree.id = 'dtree'; dBytes.id = 'dbytes'; dHex.id = 'dhex';
	details.hidden = true;
	heads.id = 'heads'; cState.id = 'cstate'; sState.id = 'sstate'; cEp.id = 'cep'; sEp.id = 'sep';
	mHead.id = 'connname'; ladder.id = 'ladder'; spacer.id = 'spacer'; explain.id = 'explain';
	where.id = 'where'; text.id = 'text'; status.id = 'status'; help.id = 'help';
	search.type = 'search';
	search.setAttribute('autocomplete', 'off');
	ladder.tabIndex = 0;
	help.hidden = true;
	for (var i = 0; i < SPEEDS.length; i++) {
		var o = el('option', '', SPEEDS[i] + '×');
		o.value = String(i);
		speedSel.appendChild(o);
	}
	bar.append(title, connSel, search, playBtn, speedSel, detBtn, langBtn, helpBtn);
	cHead.append(cName, cEp, cState);
	sHead.append(sName, sEp, sState);
	heads.append(el('div', 'time-head'), cHead, mHead, sHead);
	ladder.appendChild(spacer);
	explain.append(where, text);
	help.appendChild(helpBox);
	var dPanes = el('div'), dRight = el('div');
	dPanes.id = 'dpanes';
	dRight.append(dBytes, dHex);
	dPanes.append(dTree, dRight);
	details.append(dTitle, dHead, dPanes);
	app.append(bar, heads, ladder, explain, details, status, help);
	document.body.appendChild(app);

	/* ---- the view of a connection ---- */
	function buildView() {
		var c = st.conn ? connById(st.conn) : null, v = [], x = {}, i;
		st.untied = null;
		if (c) {
			for (i = 0; i < c.x.length; i++)
				x[c.x[i][0]] = [c.x[i][1], c.x[i][2]];
			st.untied = x;
		}
		for (i = 0; i < ROWS.length; i++)
			if (!c || ROWS[i][CONN] === st.conn || x[i])
				v.push(i);
		st.view = v;
		document.documentElement.dataset.conn = String(st.conn);
	}

	/* Both endpoints' states as they were at row i (indexes into STATES). */
	function statesAt(i) {
		var r = ROWS[i];
		if (r[CONN])
			return [r[CS], r[SS]];
		if (st.untied && st.untied[i])
			return st.untied[i];
		return null;
	}

	function paragraphs(r) {
		var li = data.langs.indexOf(st.lang), ids = li === 1 && r[X1] ? r[X1] : r[X0], out = [];
		for (var k = 0; k < ids.length; k++)
			out.push(typeof ids[k] === 'number' ? STR[ids[k]] : ids[k].map(str).join(': '));
		return out;
	}

	/* ---- drawing ---- */
	function lane(cls, id, attr) {
		var s = el('span', cls + (attr ? ' ' + ATTR[attr] : ''), str(id));
		if (id >= 0)
			s.title = str(id);
		return s;
	}

	function drawRow(vi) {
		var i = st.view[vi], r = ROWS[i], d = el('div', 'row' + (vi === st.sel ? ' sel' : '') + (vi % 2 ? ' odd' : ''));
		var m = el('div', 'arrow' + (r[DIR] === 1 ? ' right' : r[DIR] === 2 ? ' left' : '') + (r[MA] ? ' ' + ATTR[r[MA]] : ''));
		d.style.top = (vi * ROW_H) + 'px';
		d.dataset.vi = String(vi);
		d.dataset.row = String(i);
		m.appendChild(el('span', 'label', str(r[MT])));
		var left = lane('lane client', r[LT], r[LA]);
		if (r[LA] === 5)
			left.className += ' lean';
		d.append(el('span', 'time', r[T]), el('span', 'cn', r[CONN] && !st.conn ? '#' + r[CONN] : ''), left, m,
			lane('lane server', r[RT], r[RA]));
		return d;
	}

	function drawRows() {
		var h = ladder.clientHeight, top = ladder.scrollTop;
		var first = Math.max(0, Math.floor(top / ROW_H) - 4), last = Math.min(st.view.length, Math.ceil((top + h) / ROW_H) + 4);
		spacer.style.height = (st.view.length * ROW_H) + 'px';
		spacer.replaceChildren();
		for (var vi = first; vi < last; vi++)
			spacer.appendChild(drawRow(vi));
	}

	function drawHead() {
		var i = st.view[st.sel], r = i === undefined ? null : ROWS[i], c = connById(st.conn || (r ? r[CONN] : 0));
		var s = r ? statesAt(i) : null;
		cName.textContent = w('client');
		sName.textContent = w('server');
		cEp.textContent = c ? c.c : '';
		sEp.textContent = c ? c.s : '';
		cState.textContent = s ? STATES[s[0]] : '—';
		sState.textContent = s ? STATES[s[1]] : '—';
		mHead.textContent = st.conn ? w('conn') + st.conn : w('all');
		heads.firstChild.textContent = w('time');
		heads.classList.toggle('all', !st.conn);
		ladder.classList.toggle('all', !st.conn);
	}

	function drawExplain() {
		var i = st.view[st.sel], r = i === undefined ? null : ROWS[i], ps, k;
		text.replaceChildren();
		if (!r) {
			where.textContent = w('none');
			return;
		}
		var pos = st.lang === 'zh' ? w('row') + ' ' + (st.sel + 1) + ' ' + w('of') + ' ' + st.view.length + ' 行'
			: w('row') + ' ' + (st.sel + 1) + ' ' + w('of') + ' ' + st.view.length;
		where.textContent = pos + '  ·  +' + r[T] + ' s' + (r[CONN] ? '  ·  ' + w('conn') + r[CONN] : '');
		ps = paragraphs(r);
		for (k = 0; k < ps.length; k++)
			text.appendChild(el('p', '', ps[k]));
	}

	/* ---- the details: the row's frame as layers (the selected one open,
	 * its fields under it) and its bytes in hex with the selected layer
	 * highlighted, as the terminal's d pane and Wireshark's two panes ---- */
	function li() { return st.lang === 'zh' ? 1 : 0; }
	function both(ids) { return STR[ids[li()]]; }
	function frameBytes(f) {
		var hex = f.b.join(''), out = new Array(hex.length / 2);
		for (var k = 0; k < out.length; k++)
			out[k] = parseInt(hex.substr(k * 2, 2), 16);
		return out;
	}
	function hex2(n, w) { var t = n.toString(16); while (t.length < w) t = '0' + t; return t; }

	function drawDetails() {
		details.hidden = !st.details;
		explain.hidden = st.details;
		detBtn.classList.toggle('on', st.details);
		if (!st.details)
			return;
		var i = st.view[st.sel], r = i === undefined ? null : ROWS[i], k;
		dTitle.textContent = w('dtitle');
		dTree.replaceChildren();
		dHex.replaceChildren();
		dBytes.textContent = '';
		dHead.className = '';
		var fi = r ? r[FRAME] : -1;
		if (!r || fi < 0) {
			dHead.textContent = !r ? w('none') : fi === -2 ? both(data.dw.none) : fi === -3 ? w('over') : w('nodetails');
			dHead.className = 'dim';
			details.dataset.frame = '';
			return;
		}
		var f = FRAMES[fi], L = f.l, bytes = frameBytes(f);
		details.dataset.frame = String(fi);
		st.layer = L.length ? ((st.layer % L.length) + L.length) % L.length : 0;
		dHead.textContent = both(f.h);
		if (f.c)
			dTree.appendChild(el('div', 'err', both(f.c)));
		for (k = 0; k < L.length; k++) {
			var open = k === st.layer, sum = both(L[k][3]);
			var ld = el('div', 'layer' + (open ? ' open' : ''), (open ? '▾ ' : '▸ ') + both(L[k][2]) + (sum ? '  ' + sum : ''));
			ld.dataset.layer = String(k);
			dTree.appendChild(ld);
			if (!open)
				continue;
			for (var j = 0; j < L[k][4].length; j++) {
				var fl = L[k][4][j];
				var fd = el('div', 'field' + (st.field && st.field[0] === fl[0] && st.field[1] === fl[1] ? ' on' : ''),
					both(fl[2]) + (st.lang === 'zh' ? '：' : ': ') + both(fl[3]));
				fd.dataset.off = String(fl[0]);
				fd.dataset.len = String(fl[1]);
				dTree.appendChild(fd);
			}
		}
		dBytes.textContent = both(data.dw.bytes);
		var lo = L.length ? L[st.layer][0] : 0, hi = L.length ? lo + L[st.layer][1] : 0;
		var fo = st.field ? st.field[0] : 0, fh = st.field ? st.field[0] + st.field[1] : 0;
		for (var off = 0; off < bytes.length; off += 16) {
			var line = el('div', 'hexline'), asc = el('span', 'ascii');
			line.appendChild(el('span', 'off', hex2(off, 4)));
			for (k = off; k < off + 16 && k < bytes.length; k++) {
				var cls = (k >= lo && k < hi ? ' hl' : '') + (k >= fo && k < fh ? ' hf' : '');
				var b = el('span', 'b' + cls, hex2(bytes[k], 2)), c = bytes[k];
				b.dataset.off = String(k);
				if (k === off + 8)
					line.appendChild(el('span', 'gap', ' '));
				line.appendChild(b);
				var a = el('span', 'a' + cls, c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.');
				a.dataset.off = String(k);
				asc.appendChild(a);
			}
			line.appendChild(asc);
			dHex.appendChild(line);
		}
	}

	/* The innermost layer holding byte off (the layers nest in the frame). */
	function layerAt(off) {
		var fi = ROWS[st.view[st.sel]][FRAME], L = fi >= 0 ? FRAMES[fi].l : [];
		for (var k = L.length - 1; k >= 0; k--)
			if (off >= L[k][0] && off < L[k][0] + L[k][1])
				return k;
		return -1;
	}

	function setDetails(on) {
		st.details = on;
		st.field = null;
		drawDetails();
		drawRows();
	}

	function stepLayer(dir) {
		st.layer += dir;
		st.field = null;
		drawDetails();
	}

	function drawBar() {
		var k, c;
		document.documentElement.lang = st.lang;
		document.title = (data.title ? data.title + ' · ' : '') + 'socklab';
		title.textContent = data.title || 'socklab';
		search.placeholder = w('search');
		playBtn.textContent = st.playing ? w('pause') : w('play');
		speedSel.value = String(st.speed);
		speedSel.title = w('speed');
		langBtn.textContent = w('other');
		detBtn.textContent = w('details');
		connSel.replaceChildren();
		connSel.appendChild(el('option', '', w('all')));
		connSel.firstChild.value = '0';
		for (k = 0; k < CONNS.length; k++) {
			c = CONNS[k];
			var o = el('option', '', w('conn') + c.id + '  ' + c.c + ' ⇄ ' + c.s);
			o.value = String(c.id);
			connSel.appendChild(o);
		}
		connSel.value = String(st.conn);
		helpBox.replaceChildren(el('h2', '', w('help')));
		var t = el('table');
		for (k = 0; k < w('keys').length; k++) {
			var tr = el('tr');
			tr.append(el('th', '', w('keys')[k][0]), el('td', '', w('keys')[k][1]));
			t.appendChild(tr);
		}
		helpBox.append(t, el('p', 'dim', w('close')));
		if (data.dropped || data.skipped)
			status.textContent = [data.dropped ? w('dropped') + ' ' + data.dropped : '',
				data.skipped ? w('skipped') + ' ' + data.skipped : ''].filter(Boolean).join('  ');
	}

	function draw() {
		drawHead();
		drawRows();
		drawExplain();
		drawDetails();
	}

	/* ---- moving ---- */
	function select(vi) {
		if (!st.view.length)
			return draw();
		if (st.sel !== Math.max(0, Math.min(st.view.length - 1, vi)))
			st.field = null;
		st.sel = Math.max(0, Math.min(st.view.length - 1, vi));
		/* the explanation first: its height sets the ladder's; then a few
		 * rows of context stay in sight around the selection */
		drawExplain();
		drawDetails();
		drawHead();
		var h = ladder.clientHeight, margin = Math.min(3, Math.floor(h / ROW_H / 4)) * ROW_H;
		var y = st.sel * ROW_H;
		if (y - margin < ladder.scrollTop)
			ladder.scrollTop = Math.max(0, y - margin);
		else if (y + ROW_H + margin > ladder.scrollTop + h)
			ladder.scrollTop = y + ROW_H + margin - h;
		drawRows();
	}

	function showConn(id) {
		var row = st.view[st.sel], k;
		st.conn = id;
		buildView();
		connSel.value = String(id);
		/* stay on the same row when the new view has it */
		k = row === undefined ? -1 : st.view.indexOf(row);
		ladder.scrollTop = 0;
		select(k >= 0 ? k : 0);
	}

	function nextConn(dir) {
		var ids = [0], k;
		for (k = 0; k < CONNS.length; k++)
			ids.push(CONNS[k].id);
		k = ids.indexOf(st.conn);
		showConn(ids[(k + dir + ids.length) % ids.length]);
	}

	function matches(i, q) {
		var r = ROWS[i], hay = [str(r[LT]), str(r[MT]), str(r[RT]), r[CONN] ? '#' + r[CONN] : ''].concat(paragraphs(r));
		return hay.join('\n').toLowerCase().indexOf(q) >= 0;
	}

	function find(dir) {
		var q = st.query.toLowerCase(), n = st.view.length;
		if (!q || !n)
			return;
		for (var k = 1; k <= n; k++) {
			var vi = (st.sel + dir * k + n * 2) % n;
			if (matches(st.view[vi], q)) {
				status.textContent = w('found') + ': “' + st.query + '”';
				return select(vi);
			}
		}
		status.textContent = w('nomatch') + ' “' + st.query + '”';
	}

	/* ---- playing: rows follow at their recorded pace times the speed,
	 * at least MIN_STEP_MS apart, long silences cut to MAX_GAP_MS ---- */
	function stepPlay() {
		if (!st.playing)
			return;
		if (st.sel >= st.view.length - 1)
			return setPlaying(false);
		var a = parseFloat(ROWS[st.view[st.sel]][T]), b = parseFloat(ROWS[st.view[st.sel + 1]][T]);
		var gap = Math.min(Math.max((b - a) * 1000, 0), MAX_GAP_MS) / SPEEDS[st.speed];
		st.timer = setTimeout(function () {
			select(st.sel + 1);
			stepPlay();
		}, Math.max(gap, MIN_STEP_MS));
	}

	function setPlaying(on) {
		clearTimeout(st.timer);
		st.playing = on;
		if (on && st.sel >= st.view.length - 1)
			select(0);
		playBtn.textContent = on ? w('pause') : w('play');
		document.documentElement.dataset.playing = on ? '1' : '0';
		stepPlay();
	}

	function setSpeed(k) {
		st.speed = Math.max(0, Math.min(SPEEDS.length - 1, k));
		speedSel.value = String(st.speed);
		if (st.playing)
			setPlaying(true);
	}

	function setLang(lang) {
		st.lang = lang;
		drawBar();
		draw();
	}

	function toggleHelp(on) {
		help.hidden = on === undefined ? !help.hidden : !on;
	}

	/* ---- keys: the lab's ---- */
	document.addEventListener('keydown', function (e) {
		if (e.target === search) {
			if (e.key === 'Enter') {
				st.query = search.value;
				search.blur();
				find(1);
				e.preventDefault();
			} else if (e.key === 'Escape') {
				search.blur();
			}
			return;
		}
		if (e.ctrlKey || e.metaKey || e.altKey)
			return;
		var page = Math.max(1, Math.floor(ladder.clientHeight / ROW_H) - 1), used = true;
		if (st.details && help.hidden) { /* the details' own keys, as in the terminal */
			switch (e.key) {
			case 'Tab': stepLayer(e.shiftKey ? -1 : 1); e.preventDefault(); return;
			case 'ArrowRight': stepLayer(1); e.preventDefault(); return;
			case 'ArrowLeft': stepLayer(-1); e.preventDefault(); return;
			case 'Escape': setDetails(false); e.preventDefault(); return;
			}
		}
		switch (e.key) {
		case 'j': case 'ArrowDown': select(st.sel + 1); break;
		case 'k': case 'ArrowUp': select(st.sel - 1); break;
		case 'PageDown': select(st.sel + page); break;
		case 'PageUp': select(st.sel - page); break;
		case 'g': case 'Home': select(0); break;
		case 'G': case 'End': select(st.view.length - 1); break;
		case 'Tab': nextConn(e.shiftKey ? -1 : 1); break;
		case 'a': showConn(0); break;
		case '/': search.focus(); search.select(); break;
		case 'n': find(1); break;
		case 'N': find(-1); break;
		case ' ': setPlaying(!st.playing); break;
		case '+': case '=': setSpeed(st.speed + 1); break;
		case '-': setSpeed(st.speed - 1); break;
		case 'L': setLang(st.lang === 'en' ? 'zh' : 'en'); break;
		case '?': toggleHelp(); break;
		case 'd': setDetails(!st.details); break;
		case 'Escape': toggleHelp(false); break;
		default: used = false;
		}
		if (used)
			e.preventDefault();
	});
	spacer.addEventListener('click', function (e) {
		var d = e.target.closest('.row');
		if (d)
			select(Number(d.dataset.vi));
	});
	ladder.addEventListener('scroll', drawRows);
	window.addEventListener('resize', drawRows);
	connSel.addEventListener('change', function () { showConn(Number(connSel.value)); connSel.blur(); });
	speedSel.addEventListener('change', function () { setSpeed(Number(speedSel.value)); speedSel.blur(); });
	playBtn.addEventListener('click', function () { setPlaying(!st.playing); playBtn.blur(); });
	langBtn.addEventListener('click', function () { setLang(st.lang === 'en' ? 'zh' : 'en'); langBtn.blur(); });
	helpBtn.addEventListener('click', function () { toggleHelp(); helpBtn.blur(); });
	detBtn.addEventListener('click', function () { setDetails(!st.details); detBtn.blur(); });
	dTree.addEventListener('click', function (e) {
		var t = e.target.closest('.layer, .field');
		if (!t)
			return;
		if (t.dataset.layer !== undefined) {
			st.layer = Number(t.dataset.layer);
			st.field = null;
		} else {
			st.field = [Number(t.dataset.off), Number(t.dataset.len)];
		}
		drawDetails();
	});
	dHex.addEventListener('click', function (e) {
		var t = e.target.closest('[data-off]'), k;
		if (!t || (k = layerAt(Number(t.dataset.off))) < 0)
			return;
		st.layer = k;
		st.field = null;
		drawDetails();
	});
	help.addEventListener('click', function () { toggleHelp(false); });

	buildView();
	if (window.performance && performance.mark)
		performance.mark('socklab-view');
	drawBar();
	select(0);
	document.documentElement.dataset.ready = '1';
	if (window.performance && performance.mark)
		performance.mark('socklab-ready');
})();
