/// The HTML templates, embedded so the binary needs no resource files.
enum PageTemplates {
    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{{title}}</title>
        <style>
        :root { color-scheme: light dark; --fg:#1d2733; --muted:#5b6b7c; --card:#fff; --bg:#eef2f6; --accent:#2457c5; }
        @media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#9aa7b4; --card:#17202a; --bg:#0d1117; --accent:#6ea2ff; } }
        body { margin:0; min-height:100vh; display:grid; place-items:center; background:var(--bg); color:var(--fg);
               font:16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        main { background:var(--card); max-width:32rem; width:calc(100% - 2rem); padding:2rem; border-radius:12px;
               box-shadow:0 4px 24px rgba(0,0,0,.08); }
        h1 { font-size:1.4rem; margin:0 0 .75rem; }
        p { margin:.5rem 0; }
        .muted { color:var(--muted); font-size:.9rem; }
        a.button, button { display:inline-block; background:var(--accent); color:#fff; border:0; border-radius:8px;
               padding:.6rem 1.1rem; text-decoration:none; font:inherit; cursor:pointer; }
        ul.idps { list-style:none; padding:0; margin:1rem 0; }
        ul.idps li { margin:.4rem 0; }
        ul.idps a { display:block; padding:.7rem 1rem; border:1px solid var(--muted); border-radius:8px; color:var(--fg);
               text-decoration:none; }
        ul.idps a:hover, ul.idps a:focus { border-color:var(--accent); outline:2px solid var(--accent); }
        input[type=search] { width:100%; box-sizing:border-box; padding:.6rem; border-radius:8px; border:1px solid var(--muted);
               font:inherit; background:transparent; color:inherit; }
        code { font-size:.9rem; }
        </style>
        </head>
        <body>
        <main>
        """

    static let foot = """
        </main>
        </body>
        </html>
        """

    /// One message page: login error, access denied, logged out, upstream error.
    static let message = """
        {{> head}}
        <h1>{{heading}}</h1>
        <p>{{message}}</p>
        {{#advice}}<p>{{advice}}</p>{{/advice}}
        {{#actionURL}}<p><a class="button" href="{{actionURL}}">{{actionLabel}}</a></p>{{/actionURL}}
        {{#formURL}}<form method="post" action="{{formURL}}"><p><button type="submit">{{actionLabel}}</button></p></form>{{/formURL}}
        {{#check}}<p class="muted">Failed check: <code>{{check}}</code>.</p>{{/check}}
        {{#reference}}<p class="muted">Reference: <code>{{reference}}</code>. Quote it if you contact your administrator.</p>{{/reference}}
        {{> foot}}
        """

    /// The IdP chooser. The filter is a plain GET form, so it works without JavaScript; the
    /// small script only filters as you type.
    static let chooser = """
        {{> head}}
        <h1>Choose how to sign in</h1>
        <form method="get" action="{{loginPath}}" role="search">
        <input type="hidden" name="rd" value="{{returnPath}}">
        <label for="q">Find your organisation</label>
        <input type="search" id="q" name="q" value="{{query}}" placeholder="Type a name or email domain" autocomplete="off">
        <noscript><p><button type="submit">Filter</button></p></noscript>
        </form>
        <ul class="idps" id="idps" aria-live="polite">
        {{#idps}}<li data-name="{{searchText}}"><a href="{{url}}">{{name}}</a></li>
        {{/idps}}
        </ul>
        {{^idps}}<p>No sign-in option matches “{{query}}”.</p>{{/idps}}
        <script>
        (function () {
          var input = document.getElementById('q'), items = document.querySelectorAll('#idps li');
          input.addEventListener('input', function () {
            var q = input.value.toLowerCase();
            items.forEach(function (li) { li.hidden = q && li.dataset.name.indexOf(q) < 0; });
          });
        })();
        </script>
        {{> foot}}
        """
}
