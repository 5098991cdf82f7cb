<?php
$MESS['CONDUIT_PROBE_TLS_NONE'] = 'plain HTTP: nothing is encrypted (use https:// for anything outside this server)';
$MESS['CONDUIT_PROBE_TLS_OFF'] = 'HTTPS, but the certificate is NOT checked (verify_tls is off: for test systems only)';
$MESS['CONDUIT_PROBE_TLS_CA'] = 'HTTPS, certificate checked against the CA file of this connection';
$MESS['CONDUIT_PROBE_TLS_ON'] = 'HTTPS, certificate checked against the system CA store';
$MESS['CONDUIT_PROBE_OK'] = 'The system answered: the address, the network and the credentials work.';
$MESS['CONDUIT_PROBE_3XX'] = 'The system answered with a redirect to another address, which is not followed (credentials never leave the configured host): check the base URL.';
$MESS['CONDUIT_PROBE_AUTH'] = 'The system is reachable but refused the credentials (401/403): check the token, password or key, and whether it expired.';
$MESS['CONDUIT_PROBE_404'] = 'The server is reachable, but the probe path does not exist there (404): check the path part of the base URL, or probe a path that exists.';
$MESS['CONDUIT_PROBE_429'] = 'The system asks to slow down (429): lower the rate limit of this connection.';
$MESS['CONDUIT_PROBE_4XX'] = 'The system is reachable but refused the probe request: read its answer in the request log.';
$MESS['CONDUIT_PROBE_5XX'] = 'The system is failing (5xx): check its status; queued jobs are retried automatically.';
$MESS['CONDUIT_PROBE_TIMEOUT'] = 'No complete answer within the timeout: the system is too slow or a firewall drops the packets.';
$MESS['CONDUIT_PROBE_CONNECT'] = 'Could not connect: the host is down, the address or port is wrong, or a firewall blocks it. Check from the web server: curl -v <address>.';
$MESS['CONDUIT_PROBE_DNS'] = 'The host name does not resolve: check the spelling of the base URL and the server\'s DNS.';
$MESS['CONDUIT_PROBE_CERT'] = 'TLS verification failed (self-signed or expired certificate, wrong host name): fix the certificate or give its CA file.';
$MESS['CONDUIT_PROBE_CIRCUIT'] = 'The circuit breaker is open after recent failures: calls pause for the "open" time, then one probe is let through.';
$MESS['CONDUIT_PROBE_CONFIG'] = 'The connection settings are not usable: the message names the setting to fix.';
