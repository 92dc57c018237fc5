// The API docs page (templates/api/docs.html): Swagger UI from the vendored sidecar files,
// started here rather than by an inline script (the Content-Security-Policy allows none).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") {
    return;
  }
  var csrfToken = root.getAttribute("data-csrf-token");
  SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    // A "Try it out" request from this page sends the session cookie: the CSRF token goes with it.
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = csrfToken;
      return request;
    },
  });
})();
