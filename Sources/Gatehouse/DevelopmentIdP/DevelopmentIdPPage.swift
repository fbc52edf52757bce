import SAML

/// The development IdP's HTML: deliberately plain, and labelled as not for production.
enum DevelopmentIdPPage {
    static func chooser(request: DevelopmentAuthnRequest, query: String) -> String {
        let buttons = DevelopmentUser.samples.map { user in
            """
            <button type="submit" name="sample" value="\(user.username.xmlEscaped)">
              <strong>\(user.displayName.xmlEscaped)</strong><span>\(user.email.xmlEscaped) · groups: \(user.groups.joined(separator: ", ").xmlEscaped)</span>
            </button>
            """
        }.joined(separator: "\n")
        return page(
            title: "Development IdP",
            body: """
                <p class="warn">Development IdP: anyone can sign in as anyone. Never use it in production.</p>
                <p>Signing in to <code>\(request.issuer.xmlEscaped)</code>. Pick a user:</p>
                <form method="post" action="sso">
                  <input type="hidden" name="request" value="\(query.xmlEscaped)">
                  <div class="users">\(buttons)</div>
                </form>
                <h2>Or type one</h2>
                <form method="post" action="sso" class="custom">
                  <input type="hidden" name="request" value="\(query.xmlEscaped)">
                  <label>User name <input name="username" required autocomplete="off"></label>
                  <label>Email <input name="email" type="email" placeholder="name@example.com"></label>
                  <label>Groups (comma-separated) <input name="groups" placeholder="engineering, staff"></label>
                  <button type="submit">Sign in</button>
                </form>
                """)
    }

    static func problem(_ message: String) -> String {
        page(title: "Development IdP", body: "<p class=\"warn\">\(message.xmlEscaped)</p><p>Start again from the application.</p>")
    }

    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title.xmlEscaped)</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2430}
        .warn{background:#fff4d6;border:1px solid #e6b84c;padding:.6rem .8rem;border-radius:.4rem}
        .users{display:grid;gap:.6rem}
        .users button{display:flex;flex-direction:column;align-items:flex-start;text-align:left;padding:.8rem 1rem;border:1px solid #c9d1dc;border-radius:.5rem;background:#fff;cursor:pointer;font:inherit}
        .users button:hover,.users button:focus{border-color:#2f6fdf;outline:2px solid #2f6fdf33}
        .users span{color:#5a6575;font-size:.9rem}
        .custom{display:grid;gap:.6rem}.custom input{display:block;width:100%;padding:.4rem;margin-top:.2rem;font:inherit}
        </style></head>
        <body><h1>\(title.xmlEscaped)</h1>
        \(body)
        </body></html>
        """
    }
}
