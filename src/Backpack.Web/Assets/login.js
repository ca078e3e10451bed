'use strict';
// Carries where to go after the login, and says when the last try was refused.
(() => {
  const params = new URLSearchParams(location.search);
  document.querySelector('input[name=return]').value = params.get('return') || '/';
  document.getElementById('error').hidden = params.get('error') === null;
})();
