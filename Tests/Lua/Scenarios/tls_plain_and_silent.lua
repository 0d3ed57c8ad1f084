-- ssl=true against a plain-text server fails the handshake; against a silent one the handshake times out
-- @max-seconds: 3
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.banner, ssl = true, data = 'x\n', timeout = 2,
  callback = function(err)
    print('plain', err:match('^ssl error: ssl connect error: ') ~= nil)
    tcp.request{host = servers.host, port = servers.silent, ssl = true, data = 'x\n', timeout = 0.5,
      callback = function(...) report('silent', ...) end}
  end}
