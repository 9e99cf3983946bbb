import Foundation
import Web

extension PortalPages {
    /// The search index's manifest on its own (the site's parts write it with the shards it describes).
    public static func searchIndex(_ site: PortalSite) throws -> String { try PortalSearchIndex.manifest(site) }

    /// search.html: a plain GET form (q and the filters, so a search is a link:
    /// search.html?q=罚款&agency=…) that the script answers in the browser from the split
    /// index. Nothing from the data goes into the script; results are built as DOM text.
    static func search(_ site: PortalSite) -> String {
        let vocabulary = PortalSearchIndex.Vocabulary(site)
        func select(_ name: String, _ label: String, _ options: [(value: String, text: String)]) -> String {
            "<label>\(label)<select name=\"\(name)\" id=\"f-\(name)\"><option value=\"\">全部</option>"
                + options.map { "<option value=\"\(HTML.escape($0.value))\">\(HTML.escape($0.text))</option>" }.joined()
                + "</select></label>"
        }
        let filters = select("agency", "执法主体", vocabulary.agencies.map { ($0.code, $0.name) })
            + select("type", "类别", vocabulary.types.map { ($0, $0) })
            + select("year", "年度", vocabulary.years.map { ($0, $0 + "年") })
            + select("kind", "处罚种类", vocabulary.kinds.map { ($0, $0) })
        let body = """
            <h1>检索行政执法决定</h1>
            <form id="search" role="search" action="search.html" method="get">
            <label for="q">案由、文书编号、当事人、执法主体、违法事实、处理决定、处罚种类或法律依据</label>
            <input type="search" id="q" name="q" autocomplete="off">
            <div class="filters">\(filters)</div>
            <button type="submit">检索</button>
            </form>
            <noscript><p class="notice">本页的检索在浏览器中进行，需要启用 JavaScript。未启用时，可从<a href="index.html">首页</a>按执法主体、年度和类别浏览全部决定，或下载<a href="feeds/decisions.xml">全部公示数据（XML）</a>。</p></noscript>
            <p id="count" class="meta" aria-live="polite"></p>
            <ol id="results" class="results"></ol>
            <nav id="pages" class="pager" aria-label="检索结果分页"></nav>
            <script>\(script)</script>

            """
        return PageFrame(title: "检索", path: "search.html", crumbs: [Crumb("首页", "index.html"), Crumb("检索")],
                         description: "检索\(site.info.name)公示的行政执法决定：案由、文书编号、当事人、违法事实、处罚种类和法律依据，可按执法主体、类别、年度和处罚种类筛选。")
            .render(site, body: body)
    }

    /// The browser half of search (the Swift half is SearchText and PortalSearchIndex;
    /// fold, runs, tokens and bucket must stay the same on both sides).
    static let script = """

        (function () {
          'use strict';
          var PAGE = 20, MAX_CHECK_SHARDS = 8;
          var form = document.getElementById('search'), q = document.getElementById('q'),
              out = document.getElementById('results'), count = document.getElementById('count'),
              pager = document.getElementById('pages'), names = ['agency', 'type', 'year', 'kind'],
              cache = {}, manifest = null, page = 1, timer = 0, generation = 0;
          var termChar = /[\\p{L}\\p{N}〔〕]/u;
          function load(path) {
            if (!cache[path]) {
              cache[path] = fetch(path).then(function (r) { if (!r.ok) { throw new Error(path); } return r.json(); });
            }
            return cache[path];
          }
          function fold(s) {
            return s.normalize('NFKC').replace(/[(\\[{【〔〖〘]/g, '〔').replace(/[)\\]}】〕〗〙]/g, '〕')
              .replace(/[A-Z]/g, function (c) { return c.toLowerCase(); });
          }
          function runs(s) {
            var all = [], cur = [];
            Array.from(s).forEach(function (c) {
              if (termChar.test(c)) { cur.push(c); } else if (cur.length) { all.push(cur); cur = []; }
            });
            if (cur.length) { all.push(cur); }
            return all;
          }
          function tokens(run) {
            if (run.length < 2) { return run.slice(); }
            var t = [];
            for (var i = 1; i < run.length; i++) { t.push(run[i - 1] + run[i]); }
            return t;
          }
          function bucket(token) {
            var h = 0x811c9dc5;
            for (var i = 0; i < token.length; i++) { h ^= token.charCodeAt(i); h = Math.imul(h, 0x01000193); }
            return (h >>> 0) % manifest.key_shards;
          }
          function decode(s) {
            var ids = [], v = 0;
            if (!s) { return ids; }
            s.split(',').forEach(function (p, i) { v = i ? v + parseInt(p, 36) : parseInt(p, 36); ids.push(v); });
            return ids;
          }
          function postings(token) {
            return load('search/k-' + bucket(token) + '.json').then(function (shard) {
              var e = Object.prototype.hasOwnProperty.call(shard, token) ? shard[token] : ['', ''];
              return [decode(e[0]), decode(e[1])];
            });
          }
          function and(a, b) {
            var r = [], i = 0, j = 0;
            while (i < a.length && j < b.length) {
              if (a[i] === b[j]) { r.push(a[i]); i++; j++; } else if (a[i] < b[j]) { i++; } else { j++; }
            }
            return r;
          }
          function or(a, b) {
            var r = [], i = 0, j = 0;
            while (i < a.length || j < b.length) {
              if (j >= b.length || (i < a.length && a[i] < b[j])) { r.push(a[i++]); }
              else if (i >= a.length || b[j] < a[i]) { r.push(b[j++]); }
              else { r.push(a[i]); i++; j++; }
            }
            return r;
          }
          function minus(a, b) {
            var r = [], j = 0;
            a.forEach(function (x) { while (j < b.length && b[j] < x) { j++; } if (b[j] !== x) { r.push(x); } });
            return r;
          }
          function doc(id) {
            var size = manifest.document_shard_size;
            return load('search/d-' + Math.floor(id / size) + '.json').then(function (shard) { return shard[id % size]; });
          }
          function shortText(d) {
            var agency = manifest.agencies[d[3]] || ['', ''];
            return fold([d[1], d[2], d[6], agency[1], manifest.types[d[4]] || '', d[7], d[8], d[5]].join(' '));
          }
          // A term is found in the text fields when all its pairs are (the text is not shipped),
          // and in the fields a result shows only when the term itself is there (checked here).
          function term(run) {
            var keys = tokens(run), text = run.join('');
            return Promise.all(keys.map(postings)).then(function (lists) {
              var body = lists.map(function (l) { return l[1]; }).reduce(and),
                  short = lists.map(function (l) { return l[0]; }).reduce(and);
              var unsure = minus(short, body);
              var shards = {};
              unsure.forEach(function (id) { shards[Math.floor(id / manifest.document_shard_size)] = true; });
              if (keys.length < 2 || !unsure.length || Object.keys(shards).length > MAX_CHECK_SHARDS) { return or(body, short); }
              return Promise.all(unsure.map(doc)).then(function (docs) {
                var sure = unsure.filter(function (id, i) { return shortText(docs[i]).indexOf(text) >= 0; });
                return or(body, sure);
              });
            });
          }
          function state() {
            var p = new URLSearchParams();
            if (q.value.trim()) { p.set('q', q.value.trim()); }
            names.forEach(function (n) { var v = document.getElementById('f-' + n).value; if (v) { p.set(n, v); } });
            if (page > 1) { p.set('page', String(page)); }
            return p;
          }
          function remember() {
            var s = state().toString();
            history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
          }
          function text(tag, content, cls) {
            var e = document.createElement(tag);
            e.textContent = content;
            if (cls) { e.className = cls; }
            return e;
          }
          function render(ids, mine) {
            var pages = Math.max(1, Math.ceil(ids.length / PAGE));
            if (page > pages) { page = pages; }
            var shown = ids.slice((page - 1) * PAGE, page * PAGE);
            return Promise.all(shown.map(doc)).then(function (docs) {
              if (mine !== generation) { return; }
              out.textContent = '';
              pager.textContent = '';
              count.textContent = ids.length ? '共找到 ' + ids.length + ' 件' + (pages > 1 ? '，第 ' + page + ' 页，共 ' + pages + ' 页' : '')
                                             : '没有找到符合条件的决定。';
              docs.forEach(function (d) {
                var li = document.createElement('li'), a = text('a', d[1] || d[2] || d[8]);
                a.href = d[0];
                li.appendChild(a);
                var agency = (manifest.agencies[d[3]] || ['', ''])[1], meta = document.createElement('p');
                [d[2], agency, manifest.types[d[4]] || '', d[7]].filter(Boolean).forEach(function (part) {
                  meta.appendChild(document.createTextNode(part + ' · '));
                });
                meta.appendChild(text('span', d[5], 'date'));
                li.appendChild(meta);
                if (d[6]) { li.appendChild(text('p', '当事人：' + d[6])); }
                out.appendChild(li);
              });
              function go(label, target) {
                var b = text('button', label);
                b.type = 'button';
                b.addEventListener('click', function () { page = target; search(true); window.scrollTo(0, 0); });
                pager.appendChild(b);
              }
              if (page > 1) { go('上一页', page - 1); }
              if (page < pages) { go('下一页', page + 1); }
            });
          }
          function search(keepPage) {
            var mine = ++generation;
            if (!keepPage) { page = 1; }
            remember();
            var all = runs(fold(q.value)), usable = all.filter(function (r) { return r.length > 1; });
            if (all.length && !usable.length) { count.textContent = '请至少输入两个字。'; out.textContent = ''; pager.textContent = ''; return; }
            count.textContent = '正在检索……';
            var sets = usable.map(term), prefix = { agency: '@a:', type: '@t:', year: '@y:', kind: '@k:' };
            names.forEach(function (n) {
              var v = document.getElementById('f-' + n).value;
              if (v) { sets.push(postings(prefix[n] + v).then(function (l) { return l[0]; })); }
            });
            Promise.all(sets).then(function (lists) {
              if (mine !== generation) { return; }
              var ids;
              if (lists.length) { ids = lists.reduce(and); } else {
                ids = [];
                for (var i = 0; i < manifest.count; i++) { ids.push(i); }
              }
              return render(ids, mine);
            }).catch(function () { count.textContent = '检索索引加载失败，请稍后重试。'; });
          }
          var params = new URLSearchParams(location.search);
          q.value = params.get('q') || '';
          names.forEach(function (n) { document.getElementById('f-' + n).value = params.get(n) || ''; });
          page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
          form.addEventListener('submit', function (e) { e.preventDefault(); search(false); });
          q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { search(false); }, 250); });
          names.forEach(function (n) { document.getElementById('f-' + n).addEventListener('change', function () { search(false); }); });
          load('search-index.json').then(function (m) {
            if (m.format !== 'sanxiang-search-2') { throw new Error('format'); }
            manifest = m;
            search(true);
          }).catch(function () { count.textContent = '检索索引加载失败，请稍后重试。'; });
        })();

        """
}
