-- starttls() followed by a read (rspamd aborts here): the read waits for the handshake and gets the TLS greeting
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.starttls, data = 'STARTTLS\r\n', stop_pattern = '\r\n', timeout = 5,
  callback = function(err, data, conn)
    report('plain', err, data, conn)
    conn:add_read(function(gerr, go, c)
      report('go', gerr, go, c)
      c:starttls()
      c:add_read(function(...) report('tls', ...) end, '\r\n')
    end, '\r\n')
  end}
