// Shows the "Print" buttons (hidden without JavaScript, where the browser's own print command remains) and wires them.
(function () {
  var buttons = document.querySelectorAll('[data-print]');
  for (var i = 0; i < buttons.length; i++) {
    var item = buttons[i].closest('[data-print-item]');
    if (item) item.hidden = false;
    buttons[i].addEventListener('click', function () {
      window.print();
    });
  }
})();
