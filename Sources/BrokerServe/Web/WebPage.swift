import HTTPServer

/// The marketplace page served at `/`: plain HTML, CSS and a little JavaScript, no external assets.
enum WebPage {
    static let response = ServerResponse(
        status: 200, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")],
        bytes: Array(html.utf8))

    static let html = "<!doctype html><title>broker</title><p>broker marketplace</p>"
}
