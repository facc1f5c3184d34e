# Varnish 7.1 (Debian 12 package "varnish") in front of feedd replicas over one store.
# README "Behind Varnish" says how to install and verify it. Run varnishd with
#   -p http_gzip_support=off
# so that Varnish passes Accept-Encoding through and caches feedd's own gzip and brotli
# bodies by Vary, each under the ETag feedd gave it (with it on, Varnish asks every backend
# for gzip, and brotli readers get gzip).
vcl 4.1;

import directors;

# Every replica is probed on /healthz ("ok", or "degraded: ..." with 200: still serving).
probe feedd_healthz {
    .request =
        "GET /healthz HTTP/1.1"
        "Host: localhost"
        "Connection: close";
    .expected_response = 200;
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

# One backend per replica (feedd's server.listen); add more and list them in vcl_init.
backend feedd1 {
    .host = "127.0.0.1";
    .port = "8081";
    .probe = feedd_healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}

backend feedd2 {
    .host = "127.0.0.1";
    .port = "8082";
    .probe = feedd_healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}

# Who may PURGE: the hosts running feedd (its [cache] purge sends them). Nobody else.
acl feedd_purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new feedd = directors.round_robin();
    feedd.add_backend(feedd1);
    feedd.add_backend(feedd2);
    # The built-in WebSub hub (POST /websub) keeps its subscriptions in its replica's own
    # database: every request goes to the first healthy replica, so that one replica holds a
    # subscription and delivers it once, and an unsubscription reaches it.
    new hub = directors.fallback();
    hub.add_backend(feedd1);
    hub.add_backend(feedd2);
}

sub vcl_recv {
    set req.backend_hint = feedd.backend();
    if (req.method == "PURGE") {
        if (client.ip !~ feedd_purgers) {
            return (synth(405, "PURGE not allowed from " + client.ip));
        }
        return (purge);
    }
    if (req.url ~ "^/websub") {
        set req.backend_hint = hub.backend();
        return (pass);
    }
    # Per-replica or side-effect routes are never cached.
    if (req.url ~ "^/(healthz|metrics|hooks/)" || (req.method != "GET" && req.method != "HEAD")) {
        return (pass);
    }
    # A delta (RFC 3229, A-IM: feed) is made against the version the reader holds, which only
    # its own If-None-Match names: never answered from the cache nor fetched into it (on a miss
    # Varnish would revalidate with its own copy's ETag and pass the reader a delta against
    # that, losing what changed in between).
    if (req.http.A-IM) {
        return (pass);
    }
    # feedd answers the same bytes whatever the query (?utm_source=...): one object per path,
    # the one its purges name.
    set req.url = regsub(req.url, "\?.*$", "");
    # feedd answers the same bytes to everyone: cookies and credentials do not matter.
    unset req.http.Cookie;
    unset req.http.Authorization;
    # feedd shows a browser (text/html and no feed type in Accept) a styled view: that is the
    # only thing Accept decides, so two variants instead of one per Accept string.
    if (req.http.Accept ~ "text/html" &&
        req.http.Accept !~ "application/(atom\+xml|rss\+xml|feed\+json)") {
        set req.http.Accept = "text/html";
    } else {
        unset req.http.Accept;
    }
    return (hash);
}

sub vcl_backend_response {
    # TTL is feedd's max-age (server.max_age_s). After it, a request is answered from the
    # stale object at once (grace) while Varnish revalidates it in the background with
    # If-None-Match; keep holds it (and its ETag) for that conditional request long after,
    # so an unchanged feed costs feedd a 304, not its bytes.
    set beresp.grace = 1h;
    set beresp.keep = 7d;
}

sub vcl_backend_error {
    # A replica that died since its last probe: the next one answers (round robin).
    if (bereq.retries < 2) {
        return (retry);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
