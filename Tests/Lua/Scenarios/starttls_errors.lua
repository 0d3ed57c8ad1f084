-- STARTTLS verifies by default (rspamd ignores no_verify; ActorTcp honours it), and plaintext injected behind the
-- go-ahead fails the connection without reaching Lua. One after the other.
local tcp = require "rspamd_tcp"
local function upgrade(tag, port, no_verify, next_step)
  tcp.request{host = servers.host, port = port, data = 'STARTTLS\r\n', stop_pattern = '\r\n', timeout = 5,
    on_error = function(err) print(tag, 'on_error (never)', err) end,
    callback = function(_, _, conn)
      conn:add_read(function()
        conn:starttls(no_verify)
        conn:add_write(function(werr)
          print(tag, 'write', werr)
          if werr then
            if next_step then next_step() end
            return
          end
          conn:add_read(function(...)
            report(tag, ...)
            if next_step then next_step() end
          end, '\r\n')
        end, 'ping\r\n')
      end, '\r\n')
    end}
end
upgrade('untrusted', servers.starttls_untrusted, false, function()
  upgrade('untrusted no_verify', servers.starttls_untrusted, true, function()
    upgrade('inject', servers.starttls_inject, false)
  end)
end)
