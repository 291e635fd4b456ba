#pragma once

/* Everything of the carrete-client library in one include, the shared
 * carrete-api (core/) included. */
#include "carrete-api.h"
#include "carrete-client-types.h"
#include "carrete-client.h"
#include "carrete-client-oidc.h"
#include "carrete-folder-query.h"
#include "carrete-folder.h"
#include "carrete-keyring.h"
#include "carrete-photo-list.h"
#include "carrete-photo-query.h"
#include "carrete-photo.h"
#include "carrete-sniff.h"
#include "carrete-thumbnail-cache.h"
#include "carrete-tree-walk.h"
#include "carrete-upload-queue.h"
#include "carrete-upload.h"
#include "carrete-user.h"
#include "carrete-watched-folder.h"
#include "carrete-watcher.h"
