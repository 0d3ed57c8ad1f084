-- a DNS name (a.fixture.test = 127.0.0.1 on the test's dnsmasq) is resolved and connected
local tcp = require "rspamd_tcp"
tcp.request{host = servers.dns_name, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
  callback = function(...) report('cb', ...) end}
