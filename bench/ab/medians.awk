# bench/ab/medians.awk — the medians of one binary's runs, for the A/B scripts here:
#   awk -v b=BIN -f bench/ab/medians.awk RESULTS
# RESULTS holds lines "BIN wall S cpu S rss_kb KB"; only BIN's are counted.
$1 == b && $2 == "wall" { w[++n] = $3; c[n] = $5; m[n] = $7 }
function median(a, n,   i, j, t) {
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END { printf "median %s wall %.3f s cpu %.3f s rss %.1f MB (%d runs)\n", b, median(w, n), median(c, n), median(m, n) / 1024, n }
