-- a name that exists without A/AAAA records (NOERROR, no data): unable to resolve host: NAME, as rspamd 3.4 prints it
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = 'txtonly.fixture.test', port = servers.lines, data = 'hi\r\n',
  callback = function(...) report('cb', ...) end})
