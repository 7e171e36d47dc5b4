// The query page: YASGUI on this site's /sparql, and the named questions as examples.
// Nothing here fetches from another site: no prefix.cc, no Linked Open Vocabularies
// autocompletion, no CORS proxy, no endpoint catalogue beyond our own endpoint.
(function () {
  "use strict";

  function start() {
    var el = document.getElementById("yasgui");
    if (!el || !window.Yasgui) return;
    var Yasgui = window.Yasgui;
    var endpoint = new URL(el.getAttribute("data-endpoint") || "/sparql", window.location.href).href;
    var questions = JSON.parse(document.getElementById("kg-questions").textContent || "[]");

    // The class and property completers ask lov.linkeddata.es: keep the local ones only
    // (prefixes from YASGUI's bundled list, since prefixCcApi stays null; the query's variables).
    var Yasqe = Yasgui.Yasqe;
    Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(function (name) {
      return name === "prefixes" || name === "variables";
    });
    Yasqe.defaults.prefixCcApi = null;

    var yasgui = new Yasgui(el, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      corsProxy: undefined,
      endpointCatalogueOptions: {
        getData: function () { return [{ endpoint: endpoint }]; },
        keys: []
      },
      persistenceId: "coopkg-query",
      yasqe: { prefixCcApi: null, resizeable: true, editorHeight: "320px" }
    });
    window.kgYasgui = yasgui;  // for the browser tests and the curious

    // A first visit gets an example query instead of YASGUI's default one.
    var tab = yasgui.getTab();
    if (tab && !window.localStorage.getItem("kg-query-visited")) {
      tab.setQuery("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
                   "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 10\n");
      window.localStorage.setItem("kg-query-visited", "1");
    }

    var byName = {};
    questions.forEach(function (q) { byName[q.name] = q; });

    // Open a named question in its own tab (the tab it already has, if open), unchanged: the .rq
    // text with its header, parameters unbound.
    function openQuestion(name) {
      var q = byName[name];
      if (!q) return null;
      var tabName = q.name;
      var existing = yasgui.tabNameTaken(tabName);
      var t;
      if (existing) {
        t = yasgui.selectTabId(existing.getId());
        t.setQuery(q.query);
      } else {
        t = yasgui.addTab(true, {
          name: tabName,
          yasqe: { value: q.query },
          requestConfig: { endpoint: endpoint }
        });
      }
      return t;
    }
    window.kgOpenQuestion = openQuestion;

    Array.prototype.forEach.call(document.querySelectorAll("button.kg-question"), function (button) {
      button.addEventListener("click", function () {
        openQuestion(button.getAttribute("data-question"));
        el.scrollIntoView({ behavior: "smooth", block: "start" });
      });
    });

    // /query?question=NAME opens that question (a link from elsewhere on the site).
    var wanted = new URL(window.location.href).searchParams.get("question");
    if (wanted) openQuestion(wanted);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
