-- Bad input to rspamd_logger (docs/bad_input.md, part L): rspamd 3.4's Lua errors, or its nil / nothing; the error
-- texts are rspamd's. Afterwards logging and a request still work. logger_format.lua covers the formatting.
-- @log: bad_input_logger.lua:65: still logging 1
local logger = require "rspamd_logger"
local tcp = require "rspamd_tcp"
local function strip(err) return (tostring(err):gsub('^[^:]*:%d+: ', '')) end
local function try(label, f, ...)
  local r = table.pack(pcall(f, ...))
  local shown = {}
  for i = 2, r.n do shown[#shown + 1] = r[1] and esc(r[i]) or strip(r[i]) end
  print(label, r[1], r.n - 1, table.concat(shown, ' '))
end
local cfg = rspamd_text.fromstring('cfg')

try('L1 slog number format', logger.slog, 42)
try('L2 slog nil', logger.slog, nil)
try('L3 slog no argument', logger.slog)
try('L4 slog table', logger.slog, {})
try('L5 slog boolean', logger.slog, true)
try('L6 slog id without format', logger.slog, cfg)
try('L7 slog id and a table format', logger.slog, cfg, {})
try('L8 slog id and a number format', logger.slog, cfg, 42)
try('L9 slog argument 0', logger.slog, '%0', 1)
try('L10 slog three past the last argument', logger.slog, '%3')
try('L11 slog a %s too many', logger.slog, '%s %s %s %s', 1)
try('L12 infox number format', logger.infox, 42)
try('L13 errx no argument', logger.errx)
try('L14 warnx table', logger.warnx, {})
try('L15 infox id without format', logger.infox, cfg)
try('L16 debugx argument 0', logger.debugx, '%0')
try('L17 info no argument', logger.info)
try('L18 info nil', logger.info, nil)
try('L19 warn table', logger.warn, {})
try('L20 err boolean', logger.err, true)
try('L21 debug function', logger.debug, print)
try('L22 message number', logger.message, 42)
try('L23 debugm module nil', logger.debugm, nil, 'id', 'x')
try('L24 debugm no argument', logger.debugm)
try('L25 debugm id nil', logger.debugm, 'm', nil, 'x')
try('L26 debugm id number', logger.debugm, 'm', 42, 'x')
try('L27 debugm id table', logger.debugm, 'm', {}, 'x')
try('L28 debugm format nil', logger.debugm, 'm', 'id', nil)
try('L29 debugm format table', logger.debugm, 'm', 'id', {})
try('L30 debugm stack level without format', logger.debugm, 'm', 'id', 1)
try('L31 debugm module number', logger.debugm, 42, 'id', 'x')
try('L32 logx module nil', logger.logx, 64, nil, 'id', 'x')
try('L33 logx format nil', logger.logx, 64, 'm', 'id', nil)
try('L34 logx format boolean', logger.logx, 64, 'm', 'id', true)
try('L35 logx id nil', logger.logx, 64, 'm', nil, 'x')
try('L36 logx level not a number', logger.logx, 'high', 'm', 'id', 'x')
try('L37 logx stack level NaN', logger.logx, 64, 'm', 'id', 0/0, 'x')
try('L38 a table with raising metamethods', logger.slog, '%s',
  setmetatable({1}, {__index = function() error('no') end, __pairs = function() error('no') end}))
try('L39 100 levels of nesting', function() return #logger.slog('%s', (function()
  local t = {} for _ = 1, 100 do t = {t} end return t end)()) end)
try('L40 a 10 MB string of NULs', function() return #logger.slog('%s', string.rep('\0', 10 * 1024 * 1024)) end)
print('L41 the error points at the caller', select(2, pcall(function() logger.info() end)))
try('L42 rspamd_util has only what the scanners use', function()
  local names = {}
  for k in pairs(require 'rspamd_util') do names[#names + 1] = k end
  table.sort(names)
  return table.concat(names, ' ')
end)

logger.infox('still logging %s', 1)
tcp.request{host = servers.host, port = servers.lines, data = 'x\r\n', stop_pattern = '\r\n', callback = function(...)
  report('L43 after all that, a normal request', ...)
end}
