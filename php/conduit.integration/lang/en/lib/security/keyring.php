<?php
$MESS['CONDUIT_KEY_INVALID'] = 'The encryption key for Conduit secrets cannot be used: #REASON#. Check the key file (32 random bytes or their base64, readable by the PHP user) or the "conduit" entry of bitrix/.settings_extra.php.';
$MESS['CONDUIT_KEY_BAD_RING'] = 'The "conduit" → "keys" entry of bitrix/.settings_extra.php must be a non-empty list: key id => [\'key_file\' => path].';
$MESS['CONDUIT_KEY_NO_PRIMARY'] = 'The "conduit" entry of bitrix/.settings_extra.php lists several keys but no "primary": name the key id new secrets are encrypted with.';
$MESS['CONDUIT_KEY_NONE'] = 'No encryption key for Conduit secrets: create a key file outside the document root (php -r \'echo Conduit\\SecretBox::generateKey();\' > /etc/conduit/secretbox.key) and name it in bitrix/.settings_extra.php (\'conduit\' => [\'value\' => [\'key_file\' => \'/etc/conduit/secretbox.key\']]) or in the #ENV# environment variable; or set crypto → crypto_key in bitrix/.settings.php.';
$MESS['CONDUIT_KEY_IN_DOCUMENT_ROOT'] = 'The Conduit key file #PATH# is inside the document root #ROOT#, where the web server could serve it: move it outside (e.g. /etc/conduit/) and update its path.';
