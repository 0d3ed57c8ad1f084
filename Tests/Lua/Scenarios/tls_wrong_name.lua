-- a trusted certificate that names neither the host nor its address: rspamd's hostname verification error.
-- One after the other.
local tcp = require "rspamd_tcp"
local function try(tag, host, port, next_step)
  tcp.request{host = host, port = port, ssl = true, data = 'x\n', stop_pattern = '\n',
    callback = function(...) report(tag, ...); if next_step then next_step() end end}
end
try('ip', servers.host, servers.tls_wrong_name, function()
  try('name', 'localhost', servers.tls_wrong_name, function()
    try('right name', 'localhost', servers.tls_hello)
  end)
end)
