-- verification is on by default: a self-signed certificate fails with certificate verify failed (to on_error,
-- since the connection never came up); ssl_noverify / no_ssl_verify accept it. One after the other.
local tcp = require "rspamd_tcp"
local function hello(tag, extra, next_step)
  local params = {host = servers.host, port = servers.tls_self_signed, ssl = true, data = 'x\n', stop_pattern = '\n',
    callback = function(...) report(tag, ...); if next_step then next_step() end end}
  for k, v in pairs(extra) do params[k] = v end
  tcp.request(params)
end
tcp.request{host = servers.host, port = servers.tls_self_signed, ssl = true, data = 'x\n', stop_pattern = '\n',
  on_error = function(err)
    print('on_error', err:match('^ssl error: .-certificate verify failed') ~= nil)
    tcp.request{host = servers.host, port = servers.tls_self_signed, ssl = true, data = 'x\n', stop_pattern = '\n',
      callback = function(err2)
        print('callback', err2:match('^ssl error: .-certificate verify failed') ~= nil)
        hello('noverify', {ssl_noverify = true}, function() hello('no_ssl_verify', {no_ssl_verify = true}) end)
      end}
  end,
  callback = function(...) report('never', ...) end}
