// Videos load nothing from their provider until the visitor chooses to play one (see
// VideoBlock): the button says where the video comes from, and only pressing it adds
// the provider's player. Without JavaScript the button stays hidden and the link to
// the video remains.
(function () {
  "use strict";

  document.querySelectorAll("[data-video-player]").forEach(function (consent) {
    var button = consent.querySelector("button");
    button.hidden = false;
    button.addEventListener("click", function () {
      var src = new URL(consent.getAttribute("data-video-player"));
      src.searchParams.set("autoplay", "1");
      var frame = document.createElement("iframe");
      frame.src = src.href;
      frame.title = consent.getAttribute("data-video-title");
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.allowFullscreen = true;
      // The site sends other sites no referrer (Django's same-origin policy), but
      // YouTube's player refuses to play without one: it gets the site's origin only.
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      var player = document.createElement("div");
      player.className = "video__player";
      player.appendChild(frame);
      consent.replaceWith(player);
      frame.focus();
    });
  });
})();
