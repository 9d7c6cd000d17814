#pragma once

/// Umbrella header of the sans-IO ZMTP 3.x protocol layer.

#include "monocoque/zmtp/byte_block.hpp"
#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/event.hpp"
#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/frame_encoder.hpp"
#include "monocoque/zmtp/greeting.hpp"
#include "monocoque/zmtp/heartbeat.hpp"
#include "monocoque/zmtp/mechanism.hpp"
#include "monocoque/zmtp/message.hpp"
#include "monocoque/zmtp/metadata.hpp"
#include "monocoque/zmtp/null_mechanism.hpp"
#include "monocoque/zmtp/output_queue.hpp"
#include "monocoque/zmtp/session.hpp"
#include "monocoque/zmtp/session_config.hpp"
#include "monocoque/zmtp/socket_type.hpp"
#include "monocoque/zmtp/time.hpp"
#include "monocoque/zmtp/wire.hpp"
