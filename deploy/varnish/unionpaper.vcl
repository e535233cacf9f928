vcl 4.1;

# Varnish 7.1 in front of unionpaper, with the xkey module (Debian: varnish, varnish-modules).
#
# The app decides what may be shared and for how long: it sends
# Cache-Control for browsers (public pages: max-age=0, must-revalidate),
# Surrogate-Control: max-age=N for this cache alone, and Surrogate-Key with
# the dependency keys of what the page shows (article:12 page:34
# list:latest-issue …). After a change commits it sends
#     PURGE /   xkey-purge: article:12 list:page:34
# and every object carrying one of those keys is gone at once.
# docs/caching.md explains the keys; docs/deploy.md how to run this.

import std;
import xkey;

# The app server (gunicorn). scripts/varnish writes a copy with the backend it is given.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 10s;
}

# Who may purge: the app servers. List each one's address when they are not on this machine.
acl purgers {
    "127.0.0.1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Editors' pages, their uploads and the load balancer's health checks are never shared.
    if (req.url ~ "^/(admin|ckeditor|health)(/|\?|$)") {
        return (pass);
    }
    # A signed-in editor may be previewing what the public may not see; a
    # reader in the middle of a form carries a CSRF token. Neither is shared.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken)=") {
        return (pass);
    }
    # No other cookie changes what the site shows (analytics and the like).
    unset req.http.Cookie;
    # The paper has one language; the app answers every Accept-Language alike
    # (it still varies on it), so one copy serves every browser.
    unset req.http.Accept-Language;
    return (hash);
}

sub vcl_backend_response {
    # What the app marks private or uncacheable is never kept, whatever else it says.
    if (beresp.http.Cache-Control ~ "(?i)(private|no-cache|no-store)" || beresp.http.Set-Cookie) {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Only what the app gave a lifetime is kept. With none, Varnish would keep
    # a response for its default of 120 s: a 404 of an article asked for just
    # before it is published would go on being served for two minutes after.
    # A lifetime of 0 makes it a hit-for-miss: the next request asks the app.
    if (!beresp.http.Surrogate-Control && !beresp.http.Cache-Control && !beresp.http.Expires) {
        set beresp.ttl = 0s;
    }
    # The keys the app names become the object's xkeys.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
        unset beresp.http.Surrogate-Key;
    }
    # A lifetime meant for this cache alone; browsers keep following Cache-Control.
    if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1s"), 0s);
        unset beresp.http.Surrogate-Control;
    }
    # Nothing stale is served: an object ends with its purge or its lifetime
    # (the app shortens that to the next scheduled publication).
    set beresp.grace = 0s;
    # Page scans and PDFs go straight through rather than crowd pages out of memory.
    if (std.integer(beresp.http.Content-Length, 0) > 8388608) {
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Varnish's built-in rules follow: nothing with a lifetime of 0 (no
    # Surrogate-Control, and Cache-Control max-age=0) is kept.
}

sub vcl_deliver {
    # The keys are for this cache alone.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Surrogate-Control;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
