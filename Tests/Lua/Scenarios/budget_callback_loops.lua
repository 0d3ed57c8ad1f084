-- actortcp.lua.instruction-budget: a runaway callback is stopped and logged ("callback call failed: instruction budget
-- exceeded ..."), whatever it hides behind (pcall in a loop, a coroutine it resumes, a sort comparator, which cannot
-- yield); the other connections go on, and the host serves a request afterwards.
-- @hocon: actortcp.lua.instruction-budget = 1000000
-- @log: callback call failed: instruction budget exceeded (actortcp.lua.instruction-budget = 1000000)
-- @timeout: 30
local tcp = require 'rspamd_tcp'
local loops = {
  plain = function() while true do end end,
  pcall_loop = function() while true do pcall(function() while true do end end) end end,
  coroutine = function()
    local co = coroutine.create(function() while true do end end)
    while true do coroutine.resume(co) end
  end,
  sort = function() table.sort({3, 2, 1}, function() while true do end end) end,
  gsub = function() string.gsub('abc', '.', function() while true do end end) end,
  on_connect = 'on_connect',
}
local names = {}
for name in pairs(loops) do names[#names + 1] = name end
table.sort(names)
local pending, results = #names, {}
local function finished(name, how)
  results[#results + 1] = name .. '\t' .. how
  pending = pending - 1
  if pending == 0 then
    table.sort(results)
    for _, line in ipairs(results) do print(line) end
    tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(...)
      report('afterwards', ...)
    end}
  end
end
for _, name in ipairs(names) do
  local loop = loops[name]
  if loop == 'on_connect' then
    -- on_connect never returns; the read that follows still gets its turn
    tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n',
      on_connect = function() while true do end end,
      callback = function(err, data) finished(name, 'read after the stopped on_connect: ' .. esc(err or data)) end}
  else
    tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function()
      -- the connection ends when this callback returns: it is over when the next request of the same server answers
      tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(err, data)
        finished(name, 'stopped; then ' .. esc(err or data))
      end}
      loop()
      print('NOT REACHED', name)
    end}
  end
end
