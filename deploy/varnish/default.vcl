# Varnish 7 in front of the app servers (scripts/stack starts it on 127.0.0.1:6085).
#
# - Two gunicorns, round-robin, each probed; a sick or failing backend is skipped.
# - Only the `audience` cookie matters to public pages: it is kept (and hashed) and every other
#   cookie is stripped. Requests with a session (`sessionid`, `messages`), the admin and every
#   non-GET go straight to the app and are never stored.
# - TTL comes from the app's s-maxage; `private`/`no-store`/Set-Cookie answers are not stored.
# - Grace: when the app or the database is down, readers get the last good page for up to 6 h.
# - BAN (X-Ban-Url: a path regex) and PURGE are accepted only from the app servers' addresses.
# scripts/stack rewrites the backend ports below when STACK_APP_PORTS is set.
vcl 4.1;

import directors;

probe app_health {
    .url = "/robots.txt";
    .interval = 2s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend app1 { .host = "127.0.0.1"; .port = "8091"; .probe = app_health; .connect_timeout = 1s; .first_byte_timeout = 30s; }
backend app2 { .host = "127.0.0.1"; .port = "8092"; .probe = app_health; .connect_timeout = 1s; .first_byte_timeout = 30s; }

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new apps = directors.round_robin();
    apps.add_backend(app1);
    apps.add_backend(app2);
}

sub vcl_recv {
    set req.backend_hint = apps.backend();

    if (req.method == "BAN" || req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purges are accepted from the app servers only"));
        }
        if (req.method == "PURGE") {
            return (purge);
        }
        if (!req.http.X-Ban-Url) {
            return (synth(400, "BAN needs an X-Ban-Url header (a path regex)"));
        }
        ban("obj.http.x-url ~ " + req.http.X-Ban-Url);
        return (synth(200, "Banned"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|markdownx)/" || req.http.Authorization) {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);  # someone's own page: signed in, or a message waiting
    }

    # Keep only the audience cookie (normalised, so Vary: Cookie holds one value per audience).
    if (req.http.Cookie ~ "(^|;\s*)audience=[a-z_]+") {
        set req.http.X-Audience = regsub(req.http.Cookie, "^(.*;\s*)?audience=([a-z_]+).*$", "\2");
        set req.http.Cookie = "audience=" + req.http.X-Audience;
    } else {
        unset req.http.X-Audience;
        unset req.http.Cookie;
    }
    return (hash);
}

sub vcl_hash {
    # The audience is the only thing besides the address that changes a public page.
    if (req.http.X-Audience) {
        hash_data(req.http.X-Audience);
    }
    # The built-in vcl_hash adds the URL and Host.
}

sub vcl_backend_response {
    set beresp.http.x-url = bereq.url;  # for bans (the ban lurker matches stored objects on it)
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);  # keep serving the stale copy in grace rather than an error
    }
    set beresp.grace = 6h;
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_deliver {
    unset resp.http.x-url;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
