-- partial mode on 100000-byte replies (the connection actor may hand Lua several chunks in one message; each still
-- gets its own callback): every chunk at most 8192 bytes, in order, intact; shift_callback in the middle hands the
-- rest to the next read; close() in the middle ends the callbacks. One after the other.
local tcp = require "rspamd_tcp"
local want = string.rep('0123456789', 10000)

local function close_step()
  local calls = 0
  tcp.request{host = servers.host, port = servers.big_noline, partial = true, timeout = 5,
    callback = function(err, data, conn)
      calls = calls + 1
      if calls == 2 then
        conn:close()
        print('closed after', calls)
      elseif calls > 2 then
        print('never', calls, err)
      end
    end}
end

local function shift_step()
  local a, b, shifted, a_after = 0, 0, false, false
  tcp.request{host = servers.host, port = servers.big_line, partial = true, timeout = 5,
    callback = function(err, data, conn)
      if err then print('first handler error', err) return end
      if shifted then a_after = true end
      a = a + #data
      if a >= 20000 and not shifted then
        shifted = true
        conn:shift_callback()
        conn:add_read(function(err2, data2, conn2)
          if err2 then print('second handler error', err2) return end
          b = b + #data2
          if a + b == 100001 then
            print('shifted', a >= 20000, a + b, a_after)
            conn2:close()
            close_step()
          end
        end)
      end
    end}
end

local got, calls, longest = {}, 0, 0
tcp.request{host = servers.host, port = servers.big_noline, partial = true, timeout = 5,
  callback = function(err, data)
    if err then
      print('end', err, calls >= 13, longest <= 8192, table.concat(got) == want)
      shift_step()
      return
    end
    calls = calls + 1
    longest = math.max(longest, #data)
    got[#got + 1] = tostring(data)
  end}
