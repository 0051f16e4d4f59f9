/* ppguide: the calculators page (docs/calculators.md). Hand-written, plain JavaScript, no build step.
 *
 * `ppguide docs` writes calculators/rules.json: for each calculator, the product's inputs, values and
 * checks as small expression trees, the rules' numbers already in them with their guide lines. This
 * file reads the trees (evaluate), does the arithmetic of ppguide.network and ppguide.ups_budget
 * (broadcast, ups_budget, server_budget) and shows the answer as the engineer types. Nothing is
 * fetched from anywhere but this site, so it works offline from any static server.
 *
 * Whole numbers are BigInt, like Python's int: an 18-digit value typed in stays exact.
 */
(function () {
  "use strict";

  var SCRIPT = document.currentScript ? document.currentScript.src : document.baseURI;
  var RULES = null;

  // --- values as Python has them ---------------------------------------------------------------

  function big(v) { return typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v; }
  function constant(v) { return Array.isArray(v) ? v.map(big) : big(v); }
  function truthy(v) {
    return !(v === null || v === undefined || v === false || v === 0n || v === "" || (Array.isArray(v) && !v.length));
  }
  function floorDiv(a, b) { var q = a / b; return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q; }
  function floorMod(a, b) { var r = a % b; return (r !== 0n && (r < 0n) !== (b < 0n)) ? r + b : r; }

  // str() of a value written into a message; asTyped() of a value named in a refusal (errors.as_typed)
  function str(v) {
    if (v === null || v === undefined) return "None";
    if (v === true || v === false) return v ? "True" : "False";
    return String(v);
  }
  function asTyped(v, quote) {
    if (quote === undefined) quote = true;
    if (v === true || v === false) return v ? "true" : "false";
    if (v === null || v === undefined) return "null";
    if (Array.isArray(v)) return "[" + v.map(function (x) { return asTyped(x, quote); }).join(", ") + "]";
    if (typeof v === "object") {
      return "{" + Object.keys(v).map(function (k) { return asTyped(k, false) + ": " + asTyped(v[k], quote); }).join(", ") + "}";
    }
    if (typeof v !== "string") return String(v);
    var text = Array.from(v).map(function (c) {      // what cannot be seen is named, backslashes stay as typed
      return c !== " " && /[\p{C}\p{Z}]/u.test(c) ? "<U+" + c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0") + ">" : c;
    }).join("");
    return quote || !text || text !== text.trim() ? "'" + text + "'" : text;
  }
  function toJSON(v) {     // the answer as data (data-values): exact where the browser has JSON.rawJSON
    return JSON.stringify(v, function (k, x) {
      if (typeof x !== "bigint") return x;
      return JSON.rawJSON ? JSON.rawJSON(x.toString()) : Number(x);
    });
  }

  // --- the rule trees (site_calculators._Translator writes them) -------------------------------

  var COMPARE = {
    eq: function (a, b) { return a === b; }, ne: function (a, b) { return a !== b; },
    lt: function (a, b) { return a < b; }, lteq: function (a, b) { return a <= b; },
    gt: function (a, b) { return a > b; }, gteq: function (a, b) { return a >= b; },
    "in": function (a, b) { return typeof b === "string" ? b.indexOf(a) >= 0 : b.indexOf(a) >= 0; },
    notin: function (a, b) { return !COMPARE["in"](a, b); }
  };
  var ARITHMETIC = {
    "+": function (a, b) { return a + b; }, "-": function (a, b) { return a - b; },
    "*": function (a, b) { return a * b; }, "%": floorMod, "//": floorDiv
  };

  function evaluate(t, ctx) {
    if ("const" in t) return constant(t.const);
    if ("var" in t) {
      if (!Object.prototype.hasOwnProperty.call(ctx, t["var"])) throw new Error("not valid yet: " + t["var"]);
      return ctx[t["var"]];
    }
    if ("attr" in t) return evaluate(t.attr[0], ctx)[t.attr[1]];
    if ("item" in t) return evaluate(t.item[0], ctx)[t.item[1]];
    if ("not" in t) return !truthy(evaluate(t["not"], ctx));
    if ("isnone" in t) { var x = evaluate(t.isnone, ctx); return x === null || x === undefined; }
    if ("and" in t) { var a = evaluate(t.and[0], ctx); return truthy(a) ? evaluate(t.and[1], ctx) : a; }
    if ("or" in t) { var o = evaluate(t.or[0], ctx); return truthy(o) ? o : evaluate(t.or[1], ctx); }
    if ("if" in t) return truthy(evaluate(t["if"][0], ctx)) ? evaluate(t["if"][1], ctx) : evaluate(t["if"][2], ctx);
    if ("op" in t) return ARITHMETIC[t.op[0]](evaluate(t.op[1], ctx), evaluate(t.op[2], ctx));
    if ("cmp" in t) {
      var left = evaluate(t.cmp[0], ctx);
      return t.cmp[1].every(function (step) {
        var right = evaluate(step[1], ctx), ok = COMPARE[step[0]](left, right);
        left = right;
        return ok;
      });
    }
    if ("call" in t) {
      var kwargs = {};
      Object.keys(t.kwargs).forEach(function (k) { kwargs[k] = evaluate(t.kwargs[k], ctx); });
      return FUNCTIONS[t.call](t.args.map(function (a) { return evaluate(a, ctx); }), kwargs);
    }
    throw new Error("unknown rule node " + Object.keys(t));
  }

  function message(parts, ctx) {
    return parts.map(function (p) { return typeof p === "string" ? p : str(evaluate(p, ctx)); }).join("");
  }

  // --- the computations: ppguide.network.broadcast, ppguide.ups_budget ------------------------

  function ipToNumber(dotted) { return dotted.split(".").reduce(function (n, o) { return n * 256 + Number(o); }, 0); }
  function numberToIp(n) { return [24, 16, 8, 0].map(function (s) { return (n >>> s) & 255; }).join("."); }
  function bits(n) { return (n >>> 0).toString(2).padStart(32, "0").match(/.{8}/g).join("."); }

  function broadcast(args) {
    var ip = ipToNumber(args[0]), mask = ipToNumber(args[1]);
    var inverted = ~mask >>> 0, network = (ip & mask) >>> 0, address = (network | inverted) >>> 0;
    var rows = [ip, mask, network, inverted, address];
    return {
      address: numberToIp(address), network: numberToIp(network),
      prefixlen: BigInt(32 - (inverted ? inverted.toString(2).length : 0)),
      working: RULES.labels.working.map(function (label, i) { return [label, numberToIp(rows[i]), bits(rows[i])]; })
    };
  }

  function event(key, t) { var e = RULES.labels.events[key]; return { name_en: e[0], name_ja: e[1], t_s: t }; }

  function timeline(kase, confirm, p, r) {
    var windowEnd = confirm + r.polling_s;
    var clusterEnd = windowEnd + p.cluster_shutdown_timeout_s;
    var osInstruction = clusterEnd + r.os_instruction_s;
    var cut = osInstruction + p.ups_count * r.per_ups_cut_s;
    var osDone = cut + p.power_off_delay_s;
    var events = [event("confirm", windowEnd), event("cluster_end", clusterEnd), event("os_instruction", osInstruction),
                  event("cut_instruction", cut), event("os_complete", osDone)];
    if (kase === "A") {   // the shared-disk UPS stops after its delay; the servers' UPS also waits low battery and ~2 min
      events.push(event("disk_ups_stop", osDone));
      events.push(event("server_ups_stop", cut + p.power_off_delay_s + p.low_battery_runtime_s + r.case_a_extra_s));
    } else {
      events.push(event("server_ups_stop", osDone));
    }
    events.sort(function (x, y) { return x.t_s < y.t_s ? -1 : x.t_s > y.t_s ? 1 : 0; });   // stable on ties
    var title = RULES.labels.cases[kase];
    return { "case": kase, title_en: title[0], title_ja: title[1], confirm_window_start_s: confirm,
             min_control_confirm_s: cut, events: events };
  }

  function upsBudget(args, k) {
    var p = { ups_count: k.ups_count, disk_confirm_s: k.disk_confirm_s, server_confirm_s: k.server_confirm_s,
              cluster_shutdown_timeout_s: k.cluster_shutdown_timeout_s, power_off_delay_s: k.power_off_delay_s,
              low_battery_runtime_s: k.low_battery_runtime_s };
    var r = { polling_s: k.polling_s, os_instruction_s: k.os_instruction_s, per_ups_cut_s: k.per_ups_cut_s,
              case_a_extra_s: k.case_a_extra_s };
    var a = timeline("A", p.disk_confirm_s, p, r), b = timeline("B", p.server_confirm_s, p, r);
    var governing = a.min_control_confirm_s > b.min_control_confirm_s ? "A" : "B";
    return { kind: "control-terminal", params: p, rule: r, control_confirm_s: k.control_confirm_s,
             control_confirm_min_s: governing === "A" ? a.min_control_confirm_s : b.min_control_confirm_s,
             case_a_min_s: a.min_control_confirm_s, case_b_min_s: b.min_control_confirm_s,
             governing_case: governing, timelines: [a, b] };
  }

  function serverBudget(args, k) {
    var start = k.confirm_s, osStart = start + k.shutdown_s, stop = osStart + k.power_off_delay_s;
    var title = RULES.labels.cases.S;
    var tl = { "case": "S", title_en: title[0], title_ja: title[1], confirm_window_start_s: start,
               min_control_confirm_s: osStart,
               events: [event("shutdown_start", start), event("cluster_end", osStart), event("os_start", osStart),
                        event("ups_stop", stop)] };
    return { kind: "server", params: { confirm_s: k.confirm_s, shutdown_s: k.shutdown_s, power_off_delay_s: k.power_off_delay_s },
             names: k.names || RULES.labels.server_names, total_s: stop, timelines: [tl] };
  }

  var FUNCTIONS = { broadcast: broadcast, ups_budget: upsBudget, server_budget: serverBudget };

  // --- reading the form: the same types as ppguide.params ---------------------------------------

  var OCTETS = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

  function ipv4(text) {
    var m = OCTETS.exec(text);
    return m && m.slice(1).every(function (o) { return Number(o) <= 255; }) ? text : null;
  }

  function netmask(text) {       // a prefix length (24) or a contiguous dotted mask (255.255.255.0)
    if (/^[0-9]+$/.test(text)) {
      var digits = text.replace(/^0+(?=.)/, ""), n = digits.length <= 2 ? Number(digits) : 33;
      return n <= 32 ? numberToIp(n ? (0xFFFFFFFF << (32 - n)) >>> 0 : 0) : null;
    }
    if (!ipv4(text)) return null;
    var inverted = ~ipToNumber(text) >>> 0;
    return ((inverted & (inverted + 1)) >>> 0) === 0 ? text : null;
  }

  // One typed value -> {value} or {problem}; an empty optional field is "not given" (its default applies).
  function read(input, text) {
    var fail = function (why) { return { problem: { parameter: input.name, given: text, en: why[0], ja: why[1] } }; };
    if (input.type === "int") {
      if (text === "") return { value: input.default === null ? null : BigInt(input.default) };
      if (!/^ *[+-]?[0-9]{1,18} *$/.test(text)) return fail(input.syntax);
      var n = BigInt(text.trim());
      if ((input.min !== null && n < BigInt(input.min)) || (input.max !== null && n > BigInt(input.max))) return fail(input.range);
      return { value: n };
    }
    var v = input.type === "ipv4" ? ipv4(text) : netmask(text);
    return v === null ? fail(input.syntax) : { value: v };
  }

  // --- one calculation: refusals, or values and warnings (as ppguide.evaluate.evaluate) ----------

  function refusal(c, ctx) {
    var given, guide = c.cite.join(", ");
    if (c.params.length === 1) given = ctx[c.params[0]];
    else { given = {}; c.params.forEach(function (p) { given[p] = ctx[p]; }); }
    return { parameter: c.params.join("+"), given: given, check: c.id,
             en: message(c.en, ctx) + " (guide lines " + guide + ")",
             ja: message(c.ja, ctx) + " (ガイド " + guide + " 行)" };
  }

  function calculate(spec, texts) {
    var ctx = {}, problems = [];
    spec.inputs.forEach(function (input) {
      var r = read(input, texts[input.name]);
      if (r.problem) problems.push(r.problem); else ctx[input.name] = r.value;
    });
    if (problems.length) {
      // as the engine does: the refusing checks on valid inputs alone are named in the same refusal
      spec.checks.forEach(function (c) {
        if (c.level !== "error" || !c.alone || !c.params.every(function (p) { return p in ctx; })) return;
        try {
          if (truthy(evaluate(c.when, ctx))) problems.push(refusal(c, ctx));
        } catch (e) { /* it needs what is not valid yet */ }
      });
      return { state: "refused", problems: problems };
    }
    Object.keys(spec.fixed).forEach(function (k) { ctx[k] = constant(spec.fixed[k]); });
    var values = {};
    spec.values.forEach(function (v) { values[v.name] = ctx[v.name] = evaluate(v.expr, ctx); });
    var fired = spec.checks.filter(function (c) { return truthy(evaluate(c.when, ctx)); });
    problems = fired.filter(function (c) { return c.level === "error"; }).map(function (c) { return refusal(c, ctx); });
    if (problems.length) return { state: "refused", problems: problems };
    var warnings = fired.filter(function (c) { return c.level === "warning"; }).map(function (c) {
      return { id: c.id, en: message(c.en, ctx), ja: message(c.ja, ctx), cite: c.cite };
    });
    return { state: "ok", values: values, warnings: warnings };
  }

  // --- showing it -------------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.append(c instanceof Node ? c : String(c)); });
    return e;
  }
  function table(head, rows) {
    return el("table", {}, [el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", {}, [h]); }))]),
                            el("tbody", {}, rows.map(function (r) { return el("tr", {}, r.map(function (c) {
                              return el("td", {}, Array.isArray(c) ? c : [c]); })); }))]);
  }
  function admonition(kind, title, items) {
    return el("div", { "class": "admonition " + kind }, [el("p", { "class": "admonition-title" }, [title]),
                                                         el("ul", {}, items)]);
  }

  function showLan(lan) {
    var host = 32n - lan.prefixlen;
    return el("div", {}, [
      el("p", {}, ["Broadcast address / ブロードキャストアドレス: ", el("strong", { "data-answer": "address" }, [lan.address]),
                   " — network / ネットワーク ", lan.network, "/" + lan.prefixlen, ", ",
                   el("span", { "data-answer": "host-bits" }, [String(host)]), " host bits / ホスト部 " + host + " ビット (",
                   String(2n ** host), " addresses / アドレス)"]),
      el("p", {}, ["The guide's method: the address AND the mask gives the network; the network OR the inverted mask ",
                   "gives the broadcast. / IP アドレスとサブネットマスクの AND がネットワーク、それとビット反転したマスクの OR が",
                   "ブロードキャストアドレスです。"]),
      table(["step / 手順", "dotted", "binary"], lan.working.map(function (w) { return [w[0], w[1], el("code", {}, [w[2]])]; }))
    ]);
  }

  function showTimelines(timelines) {
    var last = timelines.reduce(function (m, tl) {
      return tl.events.reduce(function (n, e) { return e.t_s > n ? e.t_s : n; }, m); }, 1n);
    return el("div", {}, timelines.map(function (tl) {
      return el("div", { "class": "ppguide-calc__timeline" }, [
        el("p", {}, [el("strong", {}, [tl.title_en + " / " + tl.title_ja])]),
        table(["s / 秒", "event", "事象", ""], tl.events.map(function (e) {
          var bar = el("span", { "class": "ppguide-calc__bar" });
          bar.style.width = (Number(e.t_s * 1000n / last) / 10) + "%";
          return [String(e.t_s), e.name_en, e.name_ja, bar];
        }))]);
    }));
  }

  function showBudget(b) {
    return el("p", {}, ["Case A / ケース A: ", String(b.case_a_min_s), " s; case B / ケース B: ", String(b.case_b_min_s),
                        " s; the longer governs / 長い方を採用: case ", b.governing_case]);
  }

  function show(spec, out, result) {
    out.replaceChildren();
    out.dataset.state = result.state;
    if (result.state === "refused") {
      out.dataset.values = "{}";
      out.append(admonition("failure", "Refused (nothing computed) / 入力エラー (計算していません)",
        result.problems.map(function (p) {
          var given = asTyped(p.given);
          return el("li", { "data-parameter": p.parameter, "data-expected-en": p.en, "data-expected-ja": p.ja }, [
            "parameter '" + p.parameter + "': given " + given + "; expected " + p.en, el("br"),
            "パラメータ '" + p.parameter + "': 指定値 " + given + "、期待される値: " + p.ja]);
        })));
      return;
    }
    out.dataset.values = toJSON(result.values);
    var byName = {};
    spec.values.forEach(function (v) { byName[v.name] = v; });
    var rows = [];
    spec.show.forEach(function (name) {
      var v = result.values[name], help = byName[name].help;
      var label = [el("code", {}, [name]), el("br"), help.en + " / " + help.ja];
      if (name === "lan") rows.push([label, showLan(v)]);
      else if (name === "timelines") rows.push([label, showTimelines(v)]);
      else if (v && v.kind === "control-terminal") rows.push([label, showBudget(v)]);
      else rows.push([label, el("strong", { "data-answer": name }, [str(v)])]);
    });
    out.append(table(["value / 値", ""], rows));
    if (result.warnings.length) {
      out.append(admonition("warning", "Warnings / 警告", result.warnings.map(function (w) {
        return el("li", { "data-check": w.id }, [w.en, el("br"), w.ja, " (guide lines / ガイド " + w.cite.join(", ") + ")"]);
      })));
    }
  }

  function wire(box) {
    var spec = RULES.calculators[box.dataset.calculator], out = box.querySelector(".ppguide-calc__out");
    var form = box.querySelector("form");
    var update = function () {
      var texts = {};
      spec.inputs.forEach(function (i) { texts[i.name] = form.elements[i.name].value; });
      show(spec, out, calculate(spec, texts));
    };
    form.addEventListener("input", update);
    update();
  }

  function fail(boxes, why) {
    boxes.forEach(function (box) {
      var out = box.querySelector(".ppguide-calc__out");
      out.dataset.state = "broken";
      out.replaceChildren(admonition("failure", "The calculator could not start / 計算機を開始できません",
                                     [el("li", {}, [why])]));
    });
  }

  function start() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll(".ppguide-calc[data-calculator]"));
    if (!boxes.length) return;
    document.head.append(el("link", { rel: "stylesheet", href: new URL("../css/calculators.css", SCRIPT).href }));
    fetch(new URL("../calculators/rules.json", SCRIPT))
      .then(function (r) { if (!r.ok) throw new Error("rules.json: HTTP " + r.status); return r.json(); })
      .then(function (rules) { RULES = rules; boxes.forEach(wire); })
      .catch(function (e) {
        fail(boxes, String(e) + ". Open the site through a web server (python -m http.server in the site folder). / " +
                    "サイトは Web サーバ経由で開いてください。");
      });
  }

  window.ppguideCalculators = { calculate: function (id, texts) { return calculate(RULES.calculators[id], texts); } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
