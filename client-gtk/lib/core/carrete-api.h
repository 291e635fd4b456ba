#pragma once

/* Everything of the shared carrete-api library in one include. */
#include "carrete-api-types.h"
#include "carrete-client-error.h"
#include "carrete-folder-query.h"
#include "carrete-folder.h"
#include "carrete-json.h"
#include "carrete-list-page.h"
#include "carrete-member.h"
#include "carrete-photo-query.h"
#include "carrete-photo.h"
#include "carrete-refresh-gate.h"
#include "carrete-share.h"
#include "carrete-trash-item.h"
#include "carrete-user.h"
