// feed.css: makes the RSS 2.0 and Atom XML readable when a browser opens a feed. CSS on XML
// has no default styles, so every element is hidden unless shown here. Type selectors with
// no default @namespace match any namespace (atom:link, content:encoded, dc:creator).
#include "feeds/html_pages.h"

namespace feedd::feeds {

std::string_view feed_css() {
  return R"css(/* feedd: styles RSS 2.0 and Atom feeds for reading in a browser. */
rss, feed {
  display: block;
  max-width: 46rem;
  margin: 2rem auto;
  padding: 0 1rem;
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP", sans-serif;
  color: #222;
  background: #fff;
}
channel { display: block; }
channel > *, feed > *, item > *, entry > * { display: none; }
channel::before, feed::before {
  content: "This is a web feed. Copy this page's address into your feed reader to subscribe.";
  display: block;
  padding: .6em 1em;
  margin-bottom: 1.5em;
  background: #f4f7fb;
  border: 1px solid #d5dfeb;
  border-radius: 6px;
  font-size: .95em;
}
channel > title, feed > title {
  display: block;
  font-size: 2em;
  font-weight: 700;
  line-height: 1.2;
  margin: .3em 0 .2em;
}
channel > description, feed > subtitle {
  display: block;
  color: #555;
  margin-bottom: 1em;
}
item, entry {
  display: block;
  border-top: 1px solid #ddd;
  padding: 1em 0;
}
item > title, entry > title {
  display: block;
  font-size: 1.25em;
  font-weight: 600;
  color: #0645ad;
}
item > pubDate, entry > published {
  display: block;
  color: #666;
  font-size: .9em;
  margin: .2em 0;
}
item > description, entry > summary {
  display: block;
  margin-top: .4em;
  white-space: pre-line;
}
)css";
}

}  // namespace feedd::feeds
