-- Bad input to rspamd_text and rspamd{text} methods (docs/bad_input.md, part D): Lua errors naming the argument;
-- afterwards a request still works. TextObjectTests.cs covers the methods' normal results.
local tcp = require "rspamd_tcp"
local text = require "rspamd_text"
local function strip(err) return (tostring(err):gsub('^[^:]*:%d+: ', '')) end
local function try(label, f, ...)
  local r = table.pack(pcall(f, ...))
  local shown = {}
  for i = 2, r.n do shown[#shown + 1] = r[1] and esc(r[i]) or strip(r[i]) end
  print(label, r[1], table.concat(shown, ' '))
end
local t = text.fromstring('hello')

try('E1 fromstring number', text.fromstring, 42)
try('E2 fromstring nil', text.fromstring)
try('E3 fromstring table', text.fromstring, {})
try('E4 fromtable string', text.fromtable, 'x')
try('E5 fromtable with number element', text.fromtable, {'a', 5})
try('E6 fromtable with hole', text.fromtable, {'a', nil, 'b'})
try('E7 fromtable delimiter number', text.fromtable, {'a', 'b'}, 5)
try('E8 len self number', t.len, 42)
try('E9 str self nil', t.str)
try('E10 sub start string', t.sub, t, 'x')
try('E11 sub huge', t.sub, t, 1, math.huge)
try('E12 span negative length', t.span, t, 1, -1)
try('E13 span NaN', t.span, t, 0/0)
try('E14 find pattern number', t.find, t, 5)
try('E15 find pattern nil', t.find, t)
try('E16 byte NaN', t.byte, t, 0/0)
try('E17 at string', t.at, t, 'x')
try('E18 concat with table', function() return t .. {} end)
try('E19 split sep nil', t.split, t)
try('E20 lines self string', t.lines, 'x')
try('E21 empty text', function() local e = text.fromstring('') return #e, e:str(), e:sub(2) end)
try('E22 100 MB text', function() local big = text.fromstring(string.rep('x', 100 * 1024 * 1024)) return #big end)
collectgarbage()

tcp.request{host = servers.host, port = servers.lines, data = {t, '\r\n'}, stop_pattern = '\r\n', callback = function(...)
  report('E23 after all that, a normal request', ...)
end}
