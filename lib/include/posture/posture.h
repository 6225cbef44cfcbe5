/**
 * @file posture.h
 * @brief Umbrella header of libposture: include this one.
 */
#ifndef POSTURE_H
#define POSTURE_H

#include "posture/core.h"
#include "posture/data.h"
#include "posture/map.h"

#endif
